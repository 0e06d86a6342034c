OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[1];
rz(-0.872198190459816) q[0];
y q[0];
rz(-3.1286691274669995) q[0];
rz(1.3836314121440738) q[0];
ry(-0.6630863517356773) q[0];
rz(-1.3332264520410466) q[0];
h q[0];
rz(1.3456506829620096) q[0];
t q[0];
rx(1.3157871936129375) q[0];
