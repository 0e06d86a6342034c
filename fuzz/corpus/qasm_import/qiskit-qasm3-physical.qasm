OPENQASM 3.0;
include "stdgates.inc";
bit c3;
h $0;
cx $0, $2;
c3 = measure $2;
