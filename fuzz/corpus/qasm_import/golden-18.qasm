OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[6];
cz q[0], q[3];
swap q[5], q[2];
rx(2.33015982013986) q[2];
cz q[3], q[4];
cswap q[4], q[5], q[0];
cy q[2], q[5];
swap q[1], q[5];
cswap q[0], q[3], q[1];
rxx(-1.4331583663234335) q[4], q[1];
u3(-0.017514103740647435, -2.008585232269057, 2.019910778502725) q[0];
rz(1.1896862378663782) q[2];
ry(-1.769623988172754) q[2];
rz(-0.9339134340241517) q[2];
rz(-2.921282549561525) q[2];
rz(2.82966180193754) q[4];
ry(-1.7200354392113457) q[4];
rz(-2.1196239870131377) q[4];
y q[1];
z q[3];
ccx q[1], q[2], q[3];
ccx q[5], q[2], q[3];
