OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
u3(2.853517007036454, 1.863254164196496, 1.0781169007212634) q[1];
cy q[0], q[1];
crx(-0.877987906638086) q[1], q[0];
h q[1];
cx q[0], q[1];
rz(-2.5276270695741623) q[0];
ry(1.513898648432419) q[0];
rz(0.946702795857572) q[0];
s q[0];
h q[0];
