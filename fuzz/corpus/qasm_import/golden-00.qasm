OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[3];
cu1(-1.1822978560010347) q[0], q[2];
cswap q[1], q[0], q[2];
swap q[0], q[1];
cswap q[1], q[0], q[2];
cy q[2], q[0];
cy q[1], q[0];
ccx q[2], q[1], q[0];
x q[1];
cx q[1], q[2];
t q[0];
cy q[2], q[0];
u3(-2.4135875397060853, 0.7759090175804215, 1.7384512787802162) q[1];
cz q[1], q[2];
