OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[4];
t q[2];
u3(-0.7085767084189634, -2.0857835197837273, -2.6702837212365638) q[1];
cswap q[0], q[3], q[2];
rzz(1.3308435434736143) q[1], q[2];
rzz(1.5728696679002878) q[0], q[2];
z q[2];
x q[2];
cswap q[3], q[1], q[2];
