// fiber_switch_x86_64.S — user-space context switch for controlled runs (System V x86-64).
//
// void lab_fiber_switch(void** save_sp, void* load_sp)
//   Pushes the callee-saved registers and a floating-point slot on the current stack,
//   stores the stack pointer in *save_sp, loads load_sp and pops the other context's
//   registers. The slot holds kFpUnsaved (all ones, fiber.h): this switch keeps one
//   floating-point environment for all the fibers of an OS thread, which is exact until a
//   program sets its rounding mode or exception masks (fiber_tls.h, fp_env).
//   A new fiber's stack is prepared by fiber.h/fiber.cc so that the final `ret` enters
//   lab_fiber_trampoline with the Fiber* in %r12.
// void lab_fiber_switch_fp(void** save_sp, void* load_sp)
//   The same, keeping each context's own x87 and SSE control words: the slot holds the
//   saved MXCSR (low half) and FCW (high half), and the other context's are loaded only
//   where they differ from the ones just saved (ldmxcsr and fldcw serialise). The caller
//   has replaced a kFpUnsaved slot at load_sp. STMXCSR is microcoded: about 7 ns a store
//   on AMD EPYC, and lab_fiber_switch made compare.sh's bounded buffer about 3% faster
//   (median of 15 paired runs). Hence two routines, this one only where a program has
//   changed its environment.
#if defined(__x86_64__)
        .text
        .globl  lab_fiber_switch
        .type   lab_fiber_switch,@function
        .align  16
lab_fiber_switch:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        pushq   $-1                     // the floating-point slot: kFpUnsaved
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        addq    $8, %rsp                // the other context's slot: not loaded here
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
        .cfi_endproc
        .size   lab_fiber_switch,.-lab_fiber_switch

        .globl  lab_fiber_switch_fp
        .type   lab_fiber_switch_fp,@function
        .align  16
lab_fiber_switch_fp:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        subq    $8, %rsp
        stmxcsr (%rsp)
        fnstcw  4(%rsp)
        movq    %rsp, (%rdi)
        movl    (%rsp), %eax            // this context's mxcsr and fcw (scratch registers)
        movzwl  4(%rsp), %ecx
        movq    %rsi, %rsp
        cmpl    (%rsp), %eax
        jne     .Lload_mxcsr
.Lmxcsr_done:
        cmpw    4(%rsp), %cx
        jne     .Lload_fcw
.Lfcw_done:
        addq    $8, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        ret
.Lload_mxcsr:
        ldmxcsr (%rsp)
        jmp     .Lmxcsr_done
.Lload_fcw:
        fldcw   4(%rsp)
        jmp     .Lfcw_done
        .cfi_endproc
        .size   lab_fiber_switch_fp,.-lab_fiber_switch_fp

        .globl  lab_fiber_trampoline
        .type   lab_fiber_trampoline,@function
        .align  16
lab_fiber_trampoline:
        .cfi_startproc
        .cfi_undefined rip
        movq    %r12, %rdi
        call    lab_fiber_main
        ud2
        .cfi_endproc
        .size   lab_fiber_trampoline,.-lab_fiber_trampoline
#endif
        .section .note.GNU-stack,"",@progbits
