OPENQASM 2.0;
include "qelib1.inc";
// A 2-bit plain adder after Vedral, Barenco and Ekert (1996): carry and sum as gate
// definitions, carry undone with its reverse. Inputs a = 11 and a superposition of b.
gate carry c0, x, y, c1 { ccx x, y, c1; cx x, y; ccx c0, y, c1; }
gate uncarry c0, x, y, c1 { ccx c0, y, c1; cx x, y; ccx x, y, c1; }
gate bitsum c, x, y { cx x, y; cx c, y; }
qreg c[2];
qreg a[2];
qreg b[3];
creg out[3];
x a[0];
x a[1];
h b[0];
ry(1.2) b[1];
carry c[0], a[0], b[0], c[1];
carry c[1], a[1], b[1], b[2];
cx a[1], b[1];
bitsum c[1], a[1], b[1];
uncarry c[0], a[0], b[0], c[1];
bitsum c[0], a[0], b[0];
measure b -> out;
