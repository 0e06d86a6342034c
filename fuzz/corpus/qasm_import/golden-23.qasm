OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
crz(0.27273511634959124) q[1], q[0];
swap q[0], q[1];
cx q[0], q[1];
