OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[5];
x q[1];
rx(-2.6272636890789163) q[0];
x q[1];
cx q[1], q[4];
y q[3];
s q[4];
crx(1.591941872531514) q[1], q[0];
cswap q[3], q[0], q[1];
cz q[4], q[1];
swap q[0], q[4];
s q[4];
x q[0];
ccx q[2], q[3], q[0];
crx(1.8019846281111391) q[0], q[3];
cy q[0], q[3];
cu1(-2.7296472176220012) q[3], q[0];
u3(2.8079974005919848, -0.9463459833662822, 1.6036044605542044) q[2];
