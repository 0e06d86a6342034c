OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
iswap q[0],q[1];
