OPENQASM 2.0;
include "qelib1.inc";
gate ryy(param0) q0,q1 { sxdg q0; sxdg q1; cx q0,q1; rz(param0) q1; cx q0,q1; sx q0; sx q1; }
gate rzx(param0) q0,q1 { h q1; cx q0,q1; rz(param0) q1; cx q0,q1; h q1; }
gate ecr q0,q1 { s q0; sx q1; cx q0,q1; x q0; }
gate iswap q0,q1 { s q0; s q1; h q0; cx q0,q1; cx q1,q0; h q1; }
gate dcx q0,q1 { cx q0,q1; cx q1,q0; }
gate cs q0,q1 { t q0; cx q0,q1; tdg q1; cx q0,q1; t q1; }
gate csdg q0,q1 { tdg q0; cx q0,q1; t q1; cx q0,q1; tdg q1; }
gate r(param0,param1) q0 { u(param0,-pi/2 + param1,pi/2 - param1) q0; }
gate xx_plus_yy(param0,param1) q0,q1 { rz(param1) q0; sdg q1; sx q1; s q1; s q0; cx q1,q0; ry((-0.5)*param0) q1; ry((-0.5)*param0) q0; cx q1,q0; sdg q0; sdg q1; sxdg q1; s q1; rz(-param1) q0; }
gate xx_minus_yy(param0,param1) q0,q1 { rz(-param1) q1; sdg q0; sx q0; s q0; s q1; cx q0,q1; ry(0.5*param0) q0; ry((-0.5)*param0) q1; cx q0,q1; sdg q1; sdg q0; sxdg q0; s q0; rz(param1) q1; }
qreg q[4];
ry(0.9063527624731542) q[0];
rz(-1.2090531395152602) q[0];
ry(2.398409499604557) q[1];
rz(-2.4485043471894183) q[1];
ry(1.8202714201072656) q[2];
rz(1.371363160870768) q[2];
ry(0.7073328980898292) q[3];
rz(-2.669120236001591) q[3];
ryy(0.37) q[0],q[1];
rzx(-1.1) q[1],q[2];
ecr q[2],q[3];
iswap q[3],q[0];
dcx q[1],q[3];
cs q[0],q[2];
csdg q[2],q[1];
r(0.4,-0.8) q[3];
sxdg q[0];
xx_plus_yy(0.5,0.2) q[1],q[2];
xx_minus_yy(-0.3,0.7) q[0],q[3];
