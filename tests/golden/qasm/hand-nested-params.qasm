OPENQASM 2.0;
include "qelib1.inc";
// Nested gate definitions with parameters, and expressions of the parameters in the calls.
gate rot2(a, b) x { rz(a) x; ry(b/2) x; rz(-a + pi/3) x; }
gate ent(theta) x, y { cx x, y; rot2(theta, 2*theta) y; cx x, y; }
gate layer(t, s) p, q, r
{
  ent(t) p, q;
  ent(t^2 - s) q, r;
  rot2(sin(t), cos(s)) p;
  u2(t, -s) r;
  barrier p, q, r;
}
qreg q[3];
creg c[3];
h q;
layer(0.3, -1.1) q[0], q[1], q[2];
layer(pi/5, exp(0.2)) q[2], q[0], q[1];
layer(-sqrt(2)/3, ln(3)) q[1], q[2], q[0];
measure q -> c;
