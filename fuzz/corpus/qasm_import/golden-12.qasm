OPENQASM 2.0;
// Gates from Qiskit's qelib1.inc; u1 is PennyLane's PhaseShift, u3 its U3.
// Playground wire w is q[w]. The playground (like PennyLane) reads wire 0 as the most
// significant bit of a basis state; Qiskit reads q[0] as the least significant.
include "qelib1.inc";
qreg q[6];
y q[0];
u1(-2.0721557189073887) q[5];
rxx(-1.8221488403337147) q[1], q[0];
t q[5];
swap q[2], q[5];
y q[4];
cz q[2], q[5];
cry(-1.5034109122085333) q[1], q[2];
crz(-1.4062577872028008) q[3], q[5];
sx q[2];
z q[1];
ccx q[2], q[0], q[3];
x q[0];
h q[2];
