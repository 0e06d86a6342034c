OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
x q[0];
crz(1.9248471254171005) q[0], q[1];
y q[1];
cry(-1.905416019681294) q[0], q[1];
cry(0.13961255314563958) q[1], q[0];
rz(-1.8022394906636996) q[0];
cz q[0], q[1];
