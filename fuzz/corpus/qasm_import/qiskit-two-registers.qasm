OPENQASM 2.0;
include "qelib1.inc";
qreg a[2];
qreg anc[1];
creg c0[1];
h a;
cx a[1],anc[0];
measure anc[0] -> c0[0];
