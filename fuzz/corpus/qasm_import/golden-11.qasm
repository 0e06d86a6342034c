OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
cry(-2.045906279541004) q[0], q[1];
rz(-0.7772469861474693) q[0];
u1(-2.9093680221540206) q[1];
u1(-2.8169157185507117) q[1];
t q[0];
crx(-2.132364595793265) q[1], q[0];
cz q[1], q[0];
rx(-0.746834909974023) q[1];
rz(-0.9214242360588618) q[1];
ry(0.27214618940453184) q[1];
rz(-0.4545818519992624) q[1];
sx q[0];
sx q[0];
swap q[0], q[1];
ry(1.9631630314644832) q[1];
sx q[0];
s q[0];
cz q[0], q[1];
cry(-0.1469223180682735) q[1], q[0];
s q[1];
rz(-0.5906899655439553) q[1];
ry(-1.2577960424804484) q[1];
rz(1.9722782026208776) q[1];
rz(-1.3415164579909682) q[0];
rx(2.901177551823303) q[1];
rxx(1.3280708698877257) q[1], q[0];
cx q[1], q[0];
