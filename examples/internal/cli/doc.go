// Package cli is the command-line plumbing the example programs share:
// the flag set and its usage errors, the exit status, the record-file
// flags (-units … -inspectors) and their loading, the default city, and
// model files. It holds no logic of the library: the programs call the
// library's packages for that.
package cli
