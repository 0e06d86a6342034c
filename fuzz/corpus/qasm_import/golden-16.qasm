OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
cu1(-0.5785636039619968) q[0], q[1];
z q[0];
ry(-2.2742858076262062) q[1];
rz(-0.4007237634113525) q[0];
cx q[0], q[1];
ry(1.1737805247313675) q[0];
y q[1];
cx q[1], q[0];
s q[0];
cy q[0], q[1];
cy q[1], q[0];
rz(2.5254914000576347) q[1];
ry(1.3505160399354237) q[1];
rz(1.1034488748897218) q[1];
rzz(1.812196807967089) q[0], q[1];
