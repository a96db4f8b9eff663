;; The tiny GPT's matrix product in WebAssembly SIMD (f32x4), used by the matmuls and attention in
;; ops.ts for float32 tensors. Compiled by scripts/gemmWasm.mjs into gemmWasmBytes.ts (a test checks that
;; the embedded bytes are this file's).
;;
;;   out (M × N) += A (M × K) · B (K × N)
;;
;; B and out are row-major with row strides ldb and ldo (so a head's columns of the attention's q | k | v
;; rows are read in place). A is read through two strides, so the same kernel computes A · B (sai = 4K,
;; sak = 4) and Aᵀ · B for A stored K × M (sai = 4, sak = 4M), which is how the backward pass gets
;; doutᵀ · inp without transposing anything. Addresses and strides are in bytes.
;;
;; Each output keeps its own float32 sum, started from out's value, with k = 0, 1, …, K−1 added in that
;; order: every lane of a vector does exactly what the scalar tail does for one column, so a result does
;; not depend on which path computed it, and a run is reproducible bit for bit.
;;
;; The main block is 4 rows × 8 columns: 8 accumulators (two f32x4 per row); per k, two vector loads of
;; B's row and four broadcast loads of A's column, 8 multiplies and 8 adds, all in registers.
(module
  (memory (export "memory") 1)

  (func (export "gemm")
    (param $out i32) (param $ldo i32) (param $a i32) (param $sai i32) (param $sak i32) (param $b i32) (param $ldb i32)
    (param $M i32) (param $K i32) (param $N i32)
    (local $m i32) (local $n i32) (local $k i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $a0 i32) (local $a1 i32) (local $a2 i32) (local $a3 i32) (local $pb i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local.set $m (i32.const 0))
    ;; rows in blocks of 4
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.gt_s (i32.add (local.get $m) (i32.const 4)) (local.get $M)))
        (local.set $n (i32.const 0))
        ;; columns in blocks of 8
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.gt_s (i32.add (local.get $n) (i32.const 8)) (local.get $N)))
            (local.set $o0 (i32.add (i32.add (local.get $out) (i32.mul (local.get $m) (local.get $ldo)))
              (i32.shl (local.get $n) (i32.const 2))))
            (local.set $o1 (i32.add (local.get $o0) (local.get $ldo)))
            (local.set $o2 (i32.add (local.get $o1) (local.get $ldo)))
            (local.set $o3 (i32.add (local.get $o2) (local.get $ldo)))
            (local.set $c00 (v128.load (local.get $o0)))
            (local.set $c01 (v128.load offset=16 (local.get $o0)))
            (local.set $c10 (v128.load (local.get $o1)))
            (local.set $c11 (v128.load offset=16 (local.get $o1)))
            (local.set $c20 (v128.load (local.get $o2)))
            (local.set $c21 (v128.load offset=16 (local.get $o2)))
            (local.set $c30 (v128.load (local.get $o3)))
            (local.set $c31 (v128.load offset=16 (local.get $o3)))
            (local.set $a0 (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $sai))))
            (local.set $a1 (i32.add (local.get $a0) (local.get $sai)))
            (local.set $a2 (i32.add (local.get $a1) (local.get $sai)))
            (local.set $a3 (i32.add (local.get $a2) (local.get $sai)))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $k (local.get $K))
            (block $kDone
              (loop $ks
                (br_if $kDone (i32.le_s (local.get $k) (i32.const 0)))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load32_splat (local.get $a0)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $a1)))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $a2)))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (local.get $a3)))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $a0 (i32.add (local.get $a0) (local.get $sak)))
                (local.set $a1 (i32.add (local.get $a1) (local.get $sak)))
                (local.set $a2 (i32.add (local.get $a2) (local.get $sak)))
                (local.set $a3 (i32.add (local.get $a3) (local.get $sak)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $ks)))
            (v128.store (local.get $o0) (local.get $c00))
            (v128.store offset=16 (local.get $o0) (local.get $c01))
            (v128.store (local.get $o1) (local.get $c10))
            (v128.store offset=16 (local.get $o1) (local.get $c11))
            (v128.store (local.get $o2) (local.get $c20))
            (v128.store offset=16 (local.get $o2) (local.get $c21))
            (v128.store (local.get $o3) (local.get $c30))
            (v128.store offset=16 (local.get $o3) (local.get $c31))
            (local.set $n (i32.add (local.get $n) (i32.const 8)))
            (br $cols)))
        ;; the block's last N mod 8 columns
        (call $rowsOneByOne (local.get $out) (local.get $ldo) (local.get $a) (local.get $sai) (local.get $sak) (local.get $b) (local.get $ldb)
          (local.get $m) (i32.add (local.get $m) (i32.const 4)) (local.get $n) (local.get $K) (local.get $N))
        (local.set $m (i32.add (local.get $m) (i32.const 4)))
        (br $rows)))
    ;; the last M mod 4 rows
    (call $rowsOneByOne (local.get $out) (local.get $ldo) (local.get $a) (local.get $sai) (local.get $sak) (local.get $b) (local.get $ldb)
      (local.get $m) (local.get $M) (i32.const 0) (local.get $K) (local.get $N)))

  ;; Rows m0 … m1−1, columns n0 … N−1, one row at a time: 4 columns per f32x4, then single columns.
  (func $rowsOneByOne
    (param $out i32) (param $ldo i32) (param $a i32) (param $sai i32) (param $sak i32) (param $b i32) (param $ldb i32)
    (param $m0 i32) (param $m1 i32) (param $n0 i32) (param $K i32) (param $N i32)
    (local $m i32) (local $n i32) (local $k i32)
    (local $po i32) (local $pa i32) (local $pb i32)
    (local $c v128) (local $s f32)
    (local.set $m (local.get $m0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $m) (local.get $m1)))
        (local.set $n (local.get $n0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.gt_s (i32.add (local.get $n) (i32.const 4)) (local.get $N)))
            (local.set $po (i32.add (i32.add (local.get $out) (i32.mul (local.get $m) (local.get $ldo)))
              (i32.shl (local.get $n) (i32.const 2))))
            (local.set $c (v128.load (local.get $po)))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $sai))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $k (local.get $K))
            (block $kDone
              (loop $ks
                (br_if $kDone (i32.le_s (local.get $k) (i32.const 0)))
                (local.set $c (f32x4.add (local.get $c)
                  (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sak)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $ks)))
            (v128.store (local.get $po) (local.get $c))
            (local.set $n (i32.add (local.get $n) (i32.const 4)))
            (br $cols)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_s (local.get $n) (local.get $N)))
            (local.set $po (i32.add (i32.add (local.get $out) (i32.mul (local.get $m) (local.get $ldo)))
              (i32.shl (local.get $n) (i32.const 2))))
            (local.set $s (f32.load (local.get $po)))
            (local.set $pa (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $sai))))
            (local.set $pb (i32.add (local.get $b) (i32.shl (local.get $n) (i32.const 2))))
            (local.set $k (local.get $K))
            (block $kDone
              (loop $ks
                (br_if $kDone (i32.le_s (local.get $k) (i32.const 0)))
                (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
                (local.set $pa (i32.add (local.get $pa) (local.get $sak)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $ks)))
            (f32.store (local.get $po) (local.get $s))
            (local.set $n (i32.add (local.get $n) (i32.const 1)))
            (br $tail)))
        (local.set $m (i32.add (local.get $m) (i32.const 1)))
        (br $rows))))

  ;; dst (cols × rows) = srcᵀ for src (rows × cols), both contiguous (the forward pass's weightᵀ), in tiles of
  ;; 16 source rows so that the lines read stay in the cache while dst is written along its rows.
  (func (export "transpose") (param $dst i32) (param $src i32) (param $rows i32) (param $cols i32)
    (local $r0 i32) (local $r1 i32) (local $r i32) (local $c i32) (local $ps i32) (local $pd i32) (local $lds i32)
    (local.set $lds (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $r0 (i32.const 0))
    (block $tilesDone
      (loop $tiles
        (br_if $tilesDone (i32.ge_s (local.get $r0) (local.get $rows)))
        (local.set $r1 (i32.add (local.get $r0) (i32.const 16)))
        (if (i32.gt_s (local.get $r1) (local.get $rows)) (then (local.set $r1 (local.get $rows))))
        (local.set $c (i32.const 0))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.ge_s (local.get $c) (local.get $cols)))
            (local.set $ps (i32.add (local.get $src)
              (i32.shl (i32.add (i32.mul (local.get $r0) (local.get $cols)) (local.get $c)) (i32.const 2))))
            (local.set $pd (i32.add (local.get $dst)
              (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r0)) (i32.const 2))))
            (local.set $r (local.get $r0))
            (block $rowsDone
              (loop $rowsLoop
                (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $r1)))
                (f32.store (local.get $pd) (f32.load (local.get $ps)))
                (local.set $ps (i32.add (local.get $ps) (local.get $lds)))
                (local.set $pd (i32.add (local.get $pd) (i32.const 4)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $rowsLoop)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $colsLoop)))
        (local.set $r0 (local.get $r1))
        (br $tiles))))
)
