OPENQASM 2.0;
include "qelib1.inc";
// A W state on four qubits from a cascade of controlled RY gates written as a definition,
// then a hand-made controlled Hadamard-like gate on top.
gate cry_half(t) a, b { ry(t/2) b; cx a, b; ry(-t/2) b; cx a, b; }
gate step(t) a, b { cry_half(t) a, b; cx b, a; }
gate hdef a, b { s b; h b; t b; cx a, b; tdg b; h b; sdg b; }
qreg q[4];
creg c[4];
x q[0];
step(2*pi/3) q[0], q[1];
step(1.9106332362490186) q[1], q[2];
step(pi/2) q[2], q[3];
hdef q[3], q[0];
measure q[0] -> c[0];
measure q[1] -> c[1];
measure q[2] -> c[2];
measure q[3] -> c[3];
