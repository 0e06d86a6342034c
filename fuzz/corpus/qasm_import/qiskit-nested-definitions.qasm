OPENQASM 2.0;
include "qelib1.inc";
gate r2(a,b) x { rz(a) x; ry(b/2) x; }
gate ent(t) x,y { cx x,y; r2(t,2*t) y; cx x,y; }
qreg q[3];
ent(pi/3) q[0],q[1];
ent(-0.5^2) q[1],q[2];
rccx q[0],q[1],q[2];
rc3x q[0],q[1],q[2],q[0];
c3sqrtx q[2],q[1],q[0],q[1];
