OPENQASM 2.0;
include "qelib1.inc";
gate xx_plus_yy(param0,param1) q0,q1 { rz(param1) q0; sdg q1; sx q1; s q1; s q0; cx q1,q0; ry((-0.5)*param0) q1; ry((-0.5)*param0) q0; cx q1,q0; sdg q0; sdg q1; sxdg q1; s q1; rz(-param1) q0; }
qreg q[4];
rzz(2.5302390842663685) q[2],q[3];
u1(5.836145802031091) q[0];
xx_plus_yy(0.017753458977172117,5.134054096489125) q[2],q[3];
cu1(0.47097633080405293) q[0],q[1];
rz(4.4965758634739466) q[1];
cu(5.823541696867536,1.5501296603278079,2.543849779007729,3.7985712572704604) q[3],q[0];
rccx q[2],q[3],q[1];
