OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[4];
rx(0.15031512317391993) q[0];
y q[3];
rz(-1.807652896075714) q[0];
x q[3];
ccx q[0], q[2], q[1];
cu1(0.6249750830800482) q[0], q[2];
u1(0.5052970526296834) q[3];
cy q[3], q[2];
cz q[0], q[2];
cx q[2], q[1];
rz(0.49953573777026117) q[3];
u1(-2.4064449613688654) q[1];
rxx(3.0040611897574205) q[2], q[3];
