OPENQASM 2.0;
include "qelib1.inc";
gate csdg q0,q1 { tdg q0; cx q0,q1; t q1; cx q0,q1; tdg q1; }
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
qreg q[5];
rccx q[0],q[4],q[2];
crz(1.3636694610255213) q[1],q[3];
c3sqrtx q[0],q[2],q[3],q[4];
ry(0.6872392972262903) q[1];
cx q[4],q[3];
ccx q[2],q[1],q[0];
csdg q[4],q[3];
cswap q[1],q[2],q[0];
rzx(6.162609233541233) q[3],q[2];
rzx(2.841706894592321) q[4],q[0];
