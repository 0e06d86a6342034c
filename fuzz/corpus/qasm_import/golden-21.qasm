OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[5];
cswap q[0], q[3], q[2];
cswap q[3], q[2], q[1];
sx q[2];
rz(1.382370631603214) q[1];
rx(-0.8913758567993209) q[1];
cz q[2], q[0];
swap q[4], q[2];
cswap q[3], q[2], q[4];
cswap q[1], q[4], q[2];
cu1(-1.3496170552739857) q[3], q[2];
cry(2.2845771497330007) q[3], q[4];
crz(-0.42332676593242313) q[0], q[4];
ry(3.100776478728638) q[4];
u3(-2.6154007939265567, -1.1612051042373295, 1.379655701486345) q[4];
ccx q[0], q[4], q[2];
cswap q[1], q[2], q[4];
