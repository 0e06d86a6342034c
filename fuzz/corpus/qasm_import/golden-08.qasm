OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[4];
s q[0];
ccx q[0], q[3], q[1];
cz q[1], q[3];
cy q[0], q[1];
cswap q[0], q[1], q[3];
swap q[1], q[3];
rz(0.9352568705704813) q[3];
ry(0.5338586836303003) q[3];
rz(-2.7313087550737554) q[3];
rx(-2.275626613382957) q[3];
rz(-3.1243318161360802) q[3];
ry(-0.8429299663160417) q[3];
rz(-2.7745135765040834) q[3];
s q[0];
y q[0];
