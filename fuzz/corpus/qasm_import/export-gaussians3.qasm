OPENQASM 2.0;
// Three classes, exported from the QML playground (qmlp 0.1.0)
// Every angle is bound for the data point x = (0.3, -0.7): features and trained weights
// are folded into the numbers below.
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[3];
rx(0.3) q[0];
rx(0.3) q[1];
rx(0.3) q[2];
ry(-0.7) q[0];
ry(-0.7) q[1];
ry(-0.7) q[2];
rz(0.2884112281702357) q[0];
ry(0.6020823331320106) q[0];
rz(0.6495467305510222) q[0];
rz(0.8215502577064172) q[1];
ry(0.51671391390764) q[1];
rz(0.7845239518868811) q[1];
rz(0.5038898052975066) q[2];
ry(0.8086615950777779) q[2];
rz(0.36253722643314046) q[2];
cx q[0], q[1];
cx q[1], q[2];
cx q[2], q[0];
rx(0.3) q[0];
rx(0.3) q[1];
rx(0.3) q[2];
ry(-0.7) q[0];
ry(-0.7) q[1];
ry(-0.7) q[2];
rz(0.7670313142463347) q[0];
ry(0.9398455751975078) q[0];
rz(0.8788258085638946) q[0];
rz(0.14162017891109335) q[1];
ry(0.18853243109638496) q[1];
rz(0.045408824215177335) q[1];
rz(0.045223202518722805) q[2];
ry(0.8103195452681079) q[2];
rz(0.9615309597758862) q[2];
cx q[0], q[1];
cx q[1], q[2];
cx q[2], q[0];
