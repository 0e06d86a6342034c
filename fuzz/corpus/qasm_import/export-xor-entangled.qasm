OPENQASM 2.0;
// Entanglement on XOR, exported from the QML playground (qmlp 0.1.0)
// Every angle is bound for the data point x = (0.3, -0.7): features and trained weights
// are folded into the numbers below.
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[2];
rx(0.3) q[0];
rx(0.3) q[1];
ry(-0.7) q[0];
ry(-0.7) q[1];
rz(0.690638295117788) q[0];
ry(0.6405810067354607) q[0];
rz(0.21826237328256315) q[0];
rz(0.5339616265004538) q[1];
ry(0.42459562786293004) q[1];
rz(0.3995080289629751) q[1];
cx q[0], q[1];
rx(0.3) q[0];
rx(0.3) q[1];
ry(-0.7) q[0];
ry(-0.7) q[1];
rz(0.2634329583774936) q[0];
ry(0.9115303456426371) q[0];
rz(0.44336700255557693) q[0];
rz(0.9775535627744715) q[1];
ry(0.2258206597555683) q[1];
rz(0.6118749902156043) q[1];
cx q[0], q[1];
rx(0.3) q[0];
rx(0.3) q[1];
ry(-0.7) q[0];
ry(-0.7) q[1];
rz(0.2884112281702357) q[0];
ry(0.6020823331320106) q[0];
rz(0.6495467305510222) q[0];
rz(0.8215502577064172) q[1];
ry(0.51671391390764) q[1];
rz(0.7845239518868811) q[1];
cx q[0], q[1];
