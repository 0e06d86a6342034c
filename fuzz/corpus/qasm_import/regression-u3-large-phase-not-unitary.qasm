OPENQASM 2.0;
include "qelib1.inc";
qreg q[1];
h q[0];
u3(pi/2,51042373295,1.379655701486345) q[0];
