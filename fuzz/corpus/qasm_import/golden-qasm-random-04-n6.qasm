OPENQASM 2.0;
include "qelib1.inc";
gate ccz q0,q1,q2 { h q2; ccx q0,q1,q2; h q2; }
gate rcccx q0,q1,q2,q3 { h q3; t q3; cx q2,q3; tdg q3; h q3; cx q0,q3; t q3; cx q1,q3; tdg q3; cx q0,q3; t q3; cx q1,q3; tdg q3; h q3; t q3; cx q2,q3; tdg q3; h q3; }
qreg q[6];
c3sqrtx q[5],q[0],q[4],q[1];
cy q[3],q[2];
ccz q[4],q[0],q[1];
cswap q[3],q[5],q[2];
ccx q[3],q[1],q[2];
cu3(5.028260530124504,0.9088223749553862,5.880524169564899) q[4],q[5];
rx(5.058754712320531) q[0];
cu1(3.306892025376587) q[4],q[3];
rcccx q[2],q[5],q[1],q[0];
