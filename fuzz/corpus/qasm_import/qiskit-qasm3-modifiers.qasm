OPENQASM 3.0;
include "stdgates.inc";
gate ph(a) x { gphase(a/2); rx(a) x; }
qubit[3] q;
bit[3] c;
ctrl @ ph(0.3) q[0], q[1];
negctrl(2) @ U(0.1, 0.2, 0.3) q[0], q[1], q[2];
inv @ pow(3) @ t q[2];
pow(-2) @ sx q[1];
ctrl @ gphase(0.9) q[2];
gphase(-0.2);
ctrl @ swap q[0], q[1], q[2];
rx(tau/4 + 2**-1) q[0];
c = measure q;
