OPENQASM 2.0;
include "qelib1.inc";
gate rcccx q0,q1,q2,q3 { h q3; t q3; cx q2,q3; tdg q3; h q3; cx q0,q3; t q3; cx q1,q3; tdg q3; cx q0,q3; t q3; cx q1,q3; tdg q3; h q3; t q3; cx q2,q3; tdg q3; h q3; }
gate ccz q0,q1,q2 { h q2; ccx q0,q1,q2; h q2; }
gate xx_plus_yy(param0,param1) q0,q1 { rz(param1) q0; sdg q1; sx q1; s q1; s q0; cx q1,q0; ry((-0.5)*param0) q1; ry((-0.5)*param0) q0; cx q1,q0; sdg q0; sdg q1; sxdg q1; s q1; rz(-param1) q0; }
qreg q[7];
rcccx q[6],q[3],q[5],q[4];
ccx q[2],q[1],q[0];
rcccx q[3],q[5],q[1],q[2];
cu3(4.97808879913749,0.3478721632082274,5.440926971088097) q[4],q[6];
s q[0];
rcccx q[1],q[0],q[4],q[6];
ccz q[2],q[3],q[5];
cry(1.2305982090921543) q[6],q[5];
swap q[0],q[1];
xx_plus_yy(4.198853456851568,2.744568693601361) q[4],q[2];
