OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[5];
rzz(0.7959961702557763) q[1], q[3];
rz(2.5499311885885403) q[3];
ry(2.5377558858117775) q[3];
rz(-2.528141399307987) q[3];
ccx q[1], q[4], q[2];
ccx q[4], q[1], q[0];
u1(-3.014854911940104) q[3];
cx q[2], q[1];
swap q[1], q[2];
cx q[0], q[2];
crx(-2.290089074072119) q[3], q[4];
t q[4];
cu1(-2.086133943388159) q[4], q[1];
rz(-1.177155238613989) q[1];
ry(-1.538045611200755) q[1];
rz(1.5462975394772576) q[1];
s q[1];
crx(1.3635854664852616) q[1], q[4];
rz(1.2165230016151432) q[1];
