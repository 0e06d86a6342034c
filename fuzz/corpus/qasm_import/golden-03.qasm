OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[5];
u1(-1.4922897312260295) q[0];
cz q[0], q[2];
rzz(0.9667686600192669) q[1], q[0];
z q[4];
ccx q[0], q[4], q[1];
cswap q[0], q[2], q[3];
rx(-2.6817258661114654) q[1];
ccx q[2], q[3], q[0];
h q[1];
y q[2];
rxx(2.1343013104708284) q[1], q[4];
rzz(-0.8312681198572873) q[1], q[2];
cx q[4], q[0];
cz q[0], q[1];
