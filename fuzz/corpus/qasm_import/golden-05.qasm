OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
t q[1];
cz q[0], q[1];
crz(-0.8051614837743584) q[1], q[0];
u3(-2.339728231305516, -1.7435407827295963, 0.38988163920162444) q[0];
y q[1];
rxx(1.4599661990481847) q[1], q[0];
crx(1.7766364175249265) q[1], q[0];
rz(-2.6690273009008862) q[0];
ry(2.9082639184883616) q[0];
rz(0.25139781598468414) q[0];
cy q[0], q[1];
rxx(-1.9679333519999285) q[1], q[0];
rz(-2.1453619936651203) q[0];
ry(2.840183659675497) q[0];
rz(-2.171760177458146) q[0];
swap q[0], q[1];
s q[1];
cry(-2.852646675682196) q[1], q[0];
ry(0.23230242714136162) q[1];
