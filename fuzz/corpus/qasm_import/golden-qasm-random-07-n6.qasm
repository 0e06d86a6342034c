OPENQASM 2.0;
include "qelib1.inc";
gate iswap q0,q1 { s q0; s q1; h q0; cx q0,q1; cx q1,q0; h q1; }
gate xx_plus_yy(param0,param1) q0,q1 { rz(param1) q0; sdg q1; sx q1; s q1; s q0; cx q1,q0; ry((-0.5)*param0) q1; ry((-0.5)*param0) q0; cx q1,q0; sdg q0; sdg q1; sxdg q1; s q1; rz(-param1) q0; }
qreg q[6];
iswap q[4],q[0];
rccx q[2],q[5],q[1];
sx q[3];
rccx q[0],q[1],q[2];
iswap q[3],q[5];
rzz(2.7981457078179712) q[0],q[1];
cswap q[4],q[3],q[5];
c3sqrtx q[0],q[5],q[1],q[3];
cu(2.421361767214587,0.554894556076134,3.884444457591422,2.647600076704307) q[2],q[4];
cz q[3],q[5];
rzz(1.388419111214553) q[4],q[2];
xx_plus_yy(1.365903438410016,4.487487352101242) q[0],q[1];
ch q[4],q[2];
ch q[0],q[3];
