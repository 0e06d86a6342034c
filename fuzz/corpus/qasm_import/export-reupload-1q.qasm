OPENQASM 2.0;
// Data re-uploading classifier (1 qubit, 3 layers), exported from the QML playground (qmlp 0.1.0)
// Every angle is bound for the data point x = (0.3, -0.7): features and trained weights
// are folded into the numbers below.
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[1];
rz(0.3) q[0];
ry(-0.7) q[0];
rz(0.0) q[0];
rz(0.7029218331588505) q[0];
ry(0.5204366199388569) q[0];
rz(0.5741057000197225) q[0];
rz(0.3) q[0];
ry(-0.7) q[0];
rz(0.0) q[0];
rz(0.10217911323039464) q[0];
ry(0.725517288515156) q[0];
rz(0.18396244547340834) q[0];
rz(0.3) q[0];
ry(-0.7) q[0];
rz(0.0) q[0];
rz(0.690638295117788) q[0];
ry(0.6405810067354607) q[0];
rz(0.21826237328256315) q[0];
