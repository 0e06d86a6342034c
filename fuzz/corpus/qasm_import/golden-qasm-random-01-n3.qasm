OPENQASM 2.0;
include "qelib1.inc";
gate r(param0,param1) q0 { u(param0,-pi/2 + param1,pi/2 - param1) q0; }
gate dcx q0,q1 { cx q0,q1; cx q1,q0; }
qreg q[3];
cswap q[2],q[1],q[0];
x q[0];
rz(0.8289305091945334) q[1];
r(6.1833893467621115,4.8075994142333585) q[2];
h q[1];
s q[2];
h q[1];
p(4.925437195676917) q[2];
cswap q[1],q[2],q[0];
s q[0];
dcx q[2],q[1];
