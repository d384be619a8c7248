//go:build !purego

#include "textflag.h"

// SIPROUND is one SipRound on four 64-bit lanes (see sipRound in prn.go);
// t is a scratch register and Y15 holds the byte shuffle that rotates
// each lane left by 16 bits.
#define SIPROUND(v0, v1, v2, v3, t) \
	VPADDQ  v1, v0, v0;     \
	VPSLLQ  $13, v1, t;     \
	VPSRLQ  $51, v1, v1;    \
	VPOR    t, v1, v1;      \
	VPXOR   v0, v1, v1;     \
	VPSHUFD $0xB1, v0, v0;  \
	VPADDQ  v3, v2, v2;     \
	VPSHUFB Y15, v3, v3;    \
	VPXOR   v2, v3, v3;     \
	VPADDQ  v3, v0, v0;     \
	VPSLLQ  $21, v3, t;     \
	VPSRLQ  $43, v3, v3;    \
	VPOR    t, v3, v3;      \
	VPXOR   v0, v3, v3;     \
	VPADDQ  v1, v2, v2;     \
	VPSLLQ  $17, v1, t;     \
	VPSRLQ  $47, v1, v1;    \
	VPOR    t, v1, v1;      \
	VPXOR   v2, v1, v1;     \
	VPSHUFD $0xB1, v2, v2

// Two rounds of both groups of lanes, interleaved.
#define ROUNDS2 \
	SIPROUND(Y0, Y1, Y2, Y3, Y8); \
	SIPROUND(Y4, Y5, Y6, Y7, Y9); \
	SIPROUND(Y0, Y1, Y2, Y3, Y8); \
	SIPROUND(Y4, Y5, Y6, Y7, Y9)

// LOADWORDS loads the 8 bytes at offset off of the strings at R8–R11 into
// the lanes of Y10 and of those at R12, R13, DI, BX into Y11.
#define LOADWORDS(off) \
	VMOVQ       (R8)(off*1), X10;       \
	VPINSRQ     $1, (R9)(off*1), X10, X10;  \
	VMOVQ       (R10)(off*1), X12;      \
	VPINSRQ     $1, (R11)(off*1), X12, X12; \
	VINSERTI128 $1, X12, Y10, Y10;      \
	VMOVQ       (R12)(off*1), X11;      \
	VPINSRQ     $1, (R13)(off*1), X11, X11; \
	VMOVQ       (DI)(off*1), X12;       \
	VPINSRQ     $1, (BX)(off*1), X12, X12;  \
	VINSERTI128 $1, X12, Y11, Y11

// func prn8AVX2(init *[4]uint64, p *[8]*byte, n int, out *float64)
TEXT ·prn8AVX2(SB), NOSPLIT, $0-32
	MOVQ init+0(FP), AX
	VPBROADCASTQ 0(AX), Y0
	VPBROADCASTQ 8(AX), Y1
	VPBROADCASTQ 16(AX), Y2
	VPBROADCASTQ 24(AX), Y3
	VMOVDQA Y0, Y4
	VMOVDQA Y1, Y5
	VMOVDQA Y2, Y6
	VMOVDQA Y3, Y7
	VMOVDQU rot16<>(SB), Y15

	MOVQ p+8(FP), AX
	MOVQ 0(AX), R8
	MOVQ 8(AX), R9
	MOVQ 16(AX), R10
	MOVQ 24(AX), R11
	MOVQ 32(AX), R12
	MOVQ 40(AX), R13
	MOVQ 48(AX), DI
	MOVQ 56(AX), BX

	MOVQ n+16(FP), CX
	MOVQ CX, DX
	SUBQ $8, DX // offset of the last full word; n >= 8
	XORQ SI, SI

loop:
	CMPQ SI, DX
	JGT  tail
	LOADWORDS(SI)
	VPXOR Y10, Y3, Y3
	VPXOR Y11, Y7, Y7
	ROUNDS2
	VPXOR Y10, Y0, Y0
	VPXOR Y11, Y4, Y4
	ADDQ $8, SI
	JMP  loop

tail:
	// b = n<<56 | the last n mod 8 bytes (the top bytes of the last 8).
	MOVQ CX, AX
	SHLQ $56, AX
	VMOVQ AX, X14
	VPBROADCASTQ X14, Y14
	MOVQ CX, AX
	SUBQ SI, AX // n mod 8
	JZ   notail
	SHLQ $3, AX
	NEGQ AX
	ADDQ $64, AX
	VMOVQ AX, X13
	LOADWORDS(DX)
	VPSRLQ X13, Y10, Y10
	VPSRLQ X13, Y11, Y11
	VPOR   Y14, Y10, Y10
	VPOR   Y14, Y11, Y11
	JMP    final

notail:
	VMOVDQA Y14, Y10
	VMOVDQA Y14, Y11

final:
	VPXOR Y10, Y3, Y3
	VPXOR Y11, Y7, Y7
	ROUNDS2
	VPXOR Y10, Y0, Y0
	VPXOR Y11, Y4, Y4
	VPBROADCASTQ ff<>(SB), Y12
	VPXOR Y12, Y2, Y2
	VPXOR Y12, Y6, Y6
	ROUNDS2
	ROUNDS2
	VPXOR Y1, Y0, Y0
	VPXOR Y2, Y0, Y0
	VPXOR Y3, Y0, Y0
	VPXOR Y5, Y4, Y4
	VPXOR Y6, Y4, Y4
	VPXOR Y7, Y4, Y4
	// toUnit: x = h>>12 < 2^52; the bits 0x3ff0000000000000|x are the
	// float64 1 + x·2^-52 exactly, so subtracting 1 gives x·2^-52 and
	// adding 2^-53 gives (x + 0.5)·2^-52, each step exact.
	VPSRLQ $12, Y0, Y0
	VPSRLQ $12, Y4, Y4
	VPBROADCASTQ one<>(SB), Y12
	VPBROADCASTQ halfulp<>(SB), Y13
	VPOR   Y12, Y0, Y0
	VPOR   Y12, Y4, Y4
	VSUBPD Y12, Y0, Y0
	VSUBPD Y12, Y4, Y4
	VADDPD Y13, Y0, Y0
	VADDPD Y13, Y4, Y4
	MOVQ out+24(FP), AX
	VMOVUPD Y0, 0(AX)
	VMOVUPD Y4, 32(AX)
	VZEROUPPER
	RET

// func cpuidAVX2() bool: the CPU has AVX2 and the OS saves the YMM state.
TEXT ·cpuidAVX2(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	MOVL $0, AX
	CPUID
	CMPL AX, $7
	JLT  no
	MOVL $1, AX
	MOVL $0, CX
	CPUID
	// OSXSAVE (bit 27) and AVX (bit 28).
	ANDL $0x18000000, CX
	CMPL CX, $0x18000000
	JNE  no
	MOVL $0, CX
	XGETBV
	// XMM and YMM state enabled (XCR0 bits 1 and 2).
	ANDL $6, AX
	CMPL AX, $6
	JNE  no
	MOVL $7, AX
	MOVL $0, CX
	CPUID
	// AVX2 (EBX bit 5).
	ANDL $0x20, BX
	JZ   no
	MOVB $1, ret+0(FP)
no:
	RET

// rot16 shuffles the bytes of each 64-bit lane to rotate it left by 16 bits.
DATA rot16<>+0(SB)/8, $0x0504030201000706
DATA rot16<>+8(SB)/8, $0x0d0c0b0a09080f0e
DATA rot16<>+16(SB)/8, $0x0504030201000706
DATA rot16<>+24(SB)/8, $0x0d0c0b0a09080f0e
GLOBL rot16<>(SB), RODATA|NOPTR, $32

DATA ff<>+0(SB)/8, $0xff
GLOBL ff<>(SB), RODATA|NOPTR, $8

DATA one<>+0(SB)/8, $0x3ff0000000000000
GLOBL one<>(SB), RODATA|NOPTR, $8

DATA halfulp<>+0(SB)/8, $0x3ca0000000000000
GLOBL halfulp<>(SB), RODATA|NOPTR, $8
