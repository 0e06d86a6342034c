OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
cx q[0], q[1];
crx(0.6093918834035592) q[0], q[1];
crz(0.002239520368934933) q[0], q[1];
swap q[1], q[0];
u1(-2.307837226526689) q[0];
rxx(-1.2880125066308383) q[0], q[1];
rzz(-2.2050963030827724) q[0], q[1];
sx q[0];
rz(2.1802550639811065) q[0];
ry(-2.3595853210018447) q[0];
rz(1.467692152915598) q[0];
cx q[1], q[0];
cry(-0.6906819601365934) q[0], q[1];
cu1(1.2165681501398184) q[0], q[1];
swap q[1], q[0];
y q[1];
cu1(1.6229835969007498) q[1], q[0];
rzz(-0.7478150435968032) q[0], q[1];
cz q[0], q[1];
cx q[1], q[0];
u1(-1.3479617223735876) q[1];
swap q[1], q[0];
cx q[0], q[1];
rx(3.135472091720094) q[1];
rz(2.1931114112977017) q[0];
