OPENQASM 2.0;
include "qelib1.inc";
qreg q[1];
rx(((((((((((-(-(+pi))))))))))))/2^2^0.5) q[0];
rz(tan(cos(1)/0)) q[0];
