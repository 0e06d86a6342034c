OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[3];
cswap q[2], q[0], q[1];
rz(-0.48266176493182833) q[0];
ry(2.6231153440094914) q[0];
rz(2.2362628987139974) q[0];
cy q[2], q[0];
sx q[1];
