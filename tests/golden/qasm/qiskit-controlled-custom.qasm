OPENQASM 2.0;
include "qelib1.inc";
gate entangle q0,q1 { h q0; cx q0,q1; rz(0.3) q1; }
gate centangle q0,q1,q2 { s q1; h q1; t q1; cx q0,q1; tdg q1; h q1; sdg q1; ccx q0,q1,q2; crz(0.3) q0,q2; p(0.7) q0; }
gate mcx q0,q1,q2,q3 { h q3; p(pi/8) q0; p(pi/8) q1; p(pi/8) q2; p(pi/8) q3; cx q0,q1; p(-pi/8) q1; cx q0,q1; cx q1,q2; p(-pi/8) q2; cx q0,q2; p(pi/8) q2; cx q1,q2; p(-pi/8) q2; cx q0,q2; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q1,q3; p(pi/8) q3; cx q2,q3; p(-pi/8) q3; cx q0,q3; h q3; }
gate mcphase(param0) q0,q1 { cp(0.7) q0,q1; }
gate ccentangle q0,q1,q2,q3 { s q2; h q2; t q2; ccx q0,q1,q2; tdg q2; h q2; sdg q2; mcx q0,q1,q2,q3; cx q0,q3; rz(-0.075) q3; cx q1,q3; rz(0.075) q3; cx q0,q3; rz(-0.075) q3; cx q1,q3; rz(0.075) q3; mcphase(0.7) q0,q1; }
gate c3z q0,q1,q2,q3 { h q3; mcx q0,q1,q2,q3; h q3; }
gate mcphase_140445359194512(param0) q0,q1 { cp(3*pi/2) q0,q1; }
gate csxdg q0,q1 { h q1; mcphase_140445359194512(3*pi/2) q0,q1; h q1; }
gate mcphase_140445359200208(param0) q0,q1 { cp(0.25) q0,q1; }
gate ccu(param0,param1,param2) q0,q1,q2 { cx q0,q2; rz(-0.075) q2; cx q1,q2; rz(0.075) q2; cx q0,q2; rz(-0.075) q2; cx q1,q2; rz(0.075) q2; ry(0.05) q2; ccx q0,q1,q2; ry(-0.05) q2; ccx q0,q1,q2; cx q0,q2; rz(-0.05) q2; cx q1,q2; rz(0.05) q2; cx q0,q2; rz(-0.05) q2; cx q1,q2; rz(0.05) q2; mcphase_140445359200208(0.25) q1,q0; }
gate cch q0,q1,q2 { s q2; h q2; t q2; ccx q0,q1,q2; tdg q2; h q2; sdg q2; }
gate c3rx(param0) q0,q1,q2,q3 { cu(0.225,-pi/2,pi/2,0) q2,q3; cx q2,q1; cu(-0.225,-pi/2,pi/2,0) q1,q3; cx q2,q1; cu(0.225,-pi/2,pi/2,0) q1,q3; cx q1,q0; cu(-0.225,-pi/2,pi/2,0) q0,q3; cx q2,q0; cu(0.225,-pi/2,pi/2,0) q0,q3; cx q1,q0; cu(-0.225,-pi/2,pi/2,0) q0,q3; cx q2,q0; cu(0.225,-pi/2,pi/2,0) q0,q3; }
qreg q[4];
ry(0.43125275128778573) q[0];
rz(-1.5791369604234018) q[0];
ry(2.3634410560572716) q[1];
rz(0.4929722163862067) q[1];
ry(0.4541473340490778) q[2];
rz(-0.401238358581157) q[2];
ry(1.4934385049802517) q[3];
rz(-2.0415665121775284) q[3];
entangle q[0],q[1];
centangle q[2],q[0],q[1];
ccentangle q[3],q[2],q[1],q[0];
c3z q[0],q[1],q[2],q[3];
csxdg q[1],q[3];
ccu(0.1,0.2,0.3) q[0],q[1],q[2];
cch q[3],q[1],q[2];
c3rx(0.9) q[0],q[1],q[2],q[3];
cry(-0.6) q[2],q[1];
cu(0.1,0.2,0.3,0.4) q[3],q[0];
