OPENQASM 2.0;
include "qelib1.inc";
// Phase estimation of diag(1, e^{2πi·0.3}) with a hand-made controlled phase and an inverse
// QFT, both as definitions; the controlled unitary is raised to powers by repetition.
gate cphase_def(l) c, t { u1(l/2) c; cx c, t; u1(-l/2) t; cx c, t; u1(l/2) t; }
gate cu_pow(l) c, t { cphase_def(l) c, t; }
gate iqft3 a, b, c
{
  swap a, c;
  h a;
  cu1(-pi/2) a, b;
  h b;
  cu1(-pi/4) a, c;
  cu1(-pi/2) b, c;
  h c;
}
qreg r[3];
qreg anc[1];
creg m[3];
x anc[0];
h r;
cu_pow(2*pi*0.3) r[2], anc[0];
cu_pow(2*pi*0.3) r[1], anc[0];
cu_pow(2*pi*0.3) r[1], anc[0];
cu_pow(4*(2*pi*0.3)) r[0], anc[0];
iqft3 r[0], r[1], r[2];
measure r -> m;
