OPENQASM 2.0;
include "qelib1.inc";
gate mygate(theta) a, b { rz(theta) b; cx a, b; }
qreg q[2];
mygate(0.3) q[0],q[1];
