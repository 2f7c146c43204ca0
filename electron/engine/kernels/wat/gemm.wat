(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $gemm (export "gemm") (type 0) (param $a i32) (param $aRow i32) (param $aCol i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32) (param $m i32) (param $n i32) (param $k i32) (param $bias i32) (param $flags i32)
    (local $row i32) (local $col i32) (local $colEnd8 i32) (local $rowEnd4 i32) (local $ap0 i32) (local $ap1 i32) (local $ap2 i32) (local $ap3 i32) (local $bp i32) (local $bEnd i32) (local $cp i32) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128) (local $acc4 v128) (local $acc5 v128) (local $acc6 v128) (local $acc7 v128) (local $bv0 v128) (local $bv1 v128) (local $av v128) (local $bias0 v128) (local $bias1 v128) (local $accScalar f32)
    (local.set $rowEnd4
      (i32.and
        (local.get $m)
        (i32.const -4)))
    (local.set $colEnd8
      (i32.mul
        (i32.and
          (local.get $n)
          (i32.const -8))
        (i32.const 4)))
    (local.set $col
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $col)
              (local.get $colEnd8))))
        (local.set $row
          (i32.const 0))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $row)
                  (local.get $rowEnd4))))
            (local.set $ap0
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $aRow))))
            (local.set $ap1
              (i32.add
                (local.get $ap0)
                (local.get $aRow)))
            (local.set $ap2
              (i32.add
                (local.get $ap1)
                (local.get $aRow)))
            (local.set $ap3
              (i32.add
                (local.get $ap2)
                (local.get $aRow)))
            (local.set $bEnd
              (i32.add
                (local.tee $bp
                  (i32.add
                    (local.get $b)
                    (local.get $col)))
                (i32.mul
                  (local.get $k)
                  (local.get $ldb))))
            (local.set $acc0
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc1
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc2
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc3
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc4
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc5
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc6
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc7
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (block  ;; label = @5
              (loop  ;; label = @6
                (br_if 1 (;@5;)
                  (i32.ge_u
                    (local.get $bp)
                    (local.get $bEnd)))
                (local.set $bv0
                  (v128.load
                    (local.get $bp)))
                (local.set $bv1
                  (v128.load offset=16
                    (local.get $bp)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap0)))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $acc1
                  (f32x4.add
                    (local.get $acc1)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv1))))
                (local.set $ap0
                  (i32.add
                    (local.get $ap0)
                    (local.get $aCol)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap1)))
                (local.set $acc2
                  (f32x4.add
                    (local.get $acc2)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $acc3
                  (f32x4.add
                    (local.get $acc3)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv1))))
                (local.set $ap1
                  (i32.add
                    (local.get $ap1)
                    (local.get $aCol)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap2)))
                (local.set $acc4
                  (f32x4.add
                    (local.get $acc4)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $acc5
                  (f32x4.add
                    (local.get $acc5)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv1))))
                (local.set $ap2
                  (i32.add
                    (local.get $ap2)
                    (local.get $aCol)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap3)))
                (local.set $acc6
                  (f32x4.add
                    (local.get $acc6)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $acc7
                  (f32x4.add
                    (local.get $acc7)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv1))))
                (local.set $ap3
                  (i32.add
                    (local.get $ap3)
                    (local.get $aCol)))
                (local.set $bp
                  (i32.add
                    (local.get $bp)
                    (local.get $ldb)))
                (br 0 (;@6;))))
            (local.set $cp
              (i32.add
                (i32.add
                  (local.get $c)
                  (i32.mul
                    (local.get $row)
                    (local.get $ldc)))
                (local.get $col)))
            (if  ;; label = @5
              (i32.and
                (local.get $flags)
                (i32.const 1))
              (then
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 0))))))
                (local.set $acc1
                  (f32x4.add
                    (local.get $acc1)
                    (v128.load offset=16
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 0))))))
                (local.set $acc2
                  (f32x4.add
                    (local.get $acc2)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 1))))))
                (local.set $acc3
                  (f32x4.add
                    (local.get $acc3)
                    (v128.load offset=16
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 1))))))
                (local.set $acc4
                  (f32x4.add
                    (local.get $acc4)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 2))))))
                (local.set $acc5
                  (f32x4.add
                    (local.get $acc5)
                    (v128.load offset=16
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 2))))))
                (local.set $acc6
                  (f32x4.add
                    (local.get $acc6)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 3))))))
                (local.set $acc7
                  (f32x4.add
                    (local.get $acc7)
                    (v128.load offset=16
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 3))))))))
            (if  ;; label = @5
              (local.get $bias)
              (then
                (local.set $bias0
                  (v128.load
                    (i32.add
                      (local.get $bias)
                      (local.get $col))))
                (local.set $bias1
                  (v128.load offset=16
                    (i32.add
                      (local.get $bias)
                      (local.get $col))))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (local.get $bias0)))
                (local.set $acc1
                  (f32x4.add
                    (local.get $acc1)
                    (local.get $bias1)))
                (local.set $acc2
                  (f32x4.add
                    (local.get $acc2)
                    (local.get $bias0)))
                (local.set $acc3
                  (f32x4.add
                    (local.get $acc3)
                    (local.get $bias1)))
                (local.set $acc4
                  (f32x4.add
                    (local.get $acc4)
                    (local.get $bias0)))
                (local.set $acc5
                  (f32x4.add
                    (local.get $acc5)
                    (local.get $bias1)))
                (local.set $acc6
                  (f32x4.add
                    (local.get $acc6)
                    (local.get $bias0)))
                (local.set $acc7
                  (f32x4.add
                    (local.get $acc7)
                    (local.get $bias1)))))
            (if  ;; label = @5
              (i32.and
                (local.get $flags)
                (i32.const 2))
              (then
                (local.set $acc0
                  (f32x4.max
                    (local.get $acc0)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc1
                  (f32x4.max
                    (local.get $acc1)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc2
                  (f32x4.max
                    (local.get $acc2)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc3
                  (f32x4.max
                    (local.get $acc3)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc4
                  (f32x4.max
                    (local.get $acc4)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc5
                  (f32x4.max
                    (local.get $acc5)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc6
                  (f32x4.max
                    (local.get $acc6)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc7
                  (f32x4.max
                    (local.get $acc7)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 0)))
              (local.get $acc0))
            (v128.store offset=16
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 0)))
              (local.get $acc1))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 1)))
              (local.get $acc2))
            (v128.store offset=16
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 1)))
              (local.get $acc3))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 2)))
              (local.get $acc4))
            (v128.store offset=16
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 2)))
              (local.get $acc5))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 3)))
              (local.get $acc6))
            (v128.store offset=16
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 3)))
              (local.get $acc7))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 4)))
            (br 0 (;@4;))))
        (local.set $row
          (local.get $rowEnd4))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $row)
                  (local.get $m))))
            (local.set $ap0
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $aRow))))
            (local.set $bEnd
              (i32.add
                (local.tee $bp
                  (i32.add
                    (local.get $b)
                    (local.get $col)))
                (i32.mul
                  (local.get $k)
                  (local.get $ldb))))
            (local.set $acc0
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc1
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (block  ;; label = @5
              (loop  ;; label = @6
                (br_if 1 (;@5;)
                  (i32.ge_u
                    (local.get $bp)
                    (local.get $bEnd)))
                (local.set $bv0
                  (v128.load
                    (local.get $bp)))
                (local.set $bv1
                  (v128.load offset=16
                    (local.get $bp)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap0)))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $acc1
                  (f32x4.add
                    (local.get $acc1)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv1))))
                (local.set $ap0
                  (i32.add
                    (local.get $ap0)
                    (local.get $aCol)))
                (local.set $bp
                  (i32.add
                    (local.get $bp)
                    (local.get $ldb)))
                (br 0 (;@6;))))
            (local.set $cp
              (i32.add
                (i32.add
                  (local.get $c)
                  (i32.mul
                    (local.get $row)
                    (local.get $ldc)))
                (local.get $col)))
            (if  ;; label = @5
              (i32.and
                (local.get $flags)
                (i32.const 1))
              (then
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 0))))))
                (local.set $acc1
                  (f32x4.add
                    (local.get $acc1)
                    (v128.load offset=16
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 0))))))))
            (if  ;; label = @5
              (local.get $bias)
              (then
                (local.set $bias0
                  (v128.load
                    (i32.add
                      (local.get $bias)
                      (local.get $col))))
                (local.set $bias1
                  (v128.load offset=16
                    (i32.add
                      (local.get $bias)
                      (local.get $col))))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (local.get $bias0)))
                (local.set $acc1
                  (f32x4.add
                    (local.get $acc1)
                    (local.get $bias1)))))
            (if  ;; label = @5
              (i32.and
                (local.get $flags)
                (i32.const 2))
              (then
                (local.set $acc0
                  (f32x4.max
                    (local.get $acc0)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc1
                  (f32x4.max
                    (local.get $acc1)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 0)))
              (local.get $acc0))
            (v128.store offset=16
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 0)))
              (local.get $acc1))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br 0 (;@4;))))
        (local.set $col
          (i32.add
            (local.get $col)
            (i32.const 32)))
        (br 0 (;@2;))))
    (local.set $col
      (local.get $colEnd8))
    (if  ;; label = @1
      (i32.and
        (local.get $n)
        (i32.const 4))
      (then
        (local.set $row
          (i32.const 0))
        (block  ;; label = @2
          (loop  ;; label = @3
            (br_if 1 (;@2;)
              (i32.eqz
                (i32.lt_u
                  (local.get $row)
                  (local.get $rowEnd4))))
            (local.set $ap0
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $aRow))))
            (local.set $ap1
              (i32.add
                (local.get $ap0)
                (local.get $aRow)))
            (local.set $ap2
              (i32.add
                (local.get $ap1)
                (local.get $aRow)))
            (local.set $ap3
              (i32.add
                (local.get $ap2)
                (local.get $aRow)))
            (local.set $bEnd
              (i32.add
                (local.tee $bp
                  (i32.add
                    (local.get $b)
                    (local.get $col)))
                (i32.mul
                  (local.get $k)
                  (local.get $ldb))))
            (local.set $acc0
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc2
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc4
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (local.set $acc6
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (block  ;; label = @4
              (loop  ;; label = @5
                (br_if 1 (;@4;)
                  (i32.ge_u
                    (local.get $bp)
                    (local.get $bEnd)))
                (local.set $bv0
                  (v128.load
                    (local.get $bp)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap0)))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $ap0
                  (i32.add
                    (local.get $ap0)
                    (local.get $aCol)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap1)))
                (local.set $acc2
                  (f32x4.add
                    (local.get $acc2)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $ap1
                  (i32.add
                    (local.get $ap1)
                    (local.get $aCol)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap2)))
                (local.set $acc4
                  (f32x4.add
                    (local.get $acc4)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $ap2
                  (i32.add
                    (local.get $ap2)
                    (local.get $aCol)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap3)))
                (local.set $acc6
                  (f32x4.add
                    (local.get $acc6)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $ap3
                  (i32.add
                    (local.get $ap3)
                    (local.get $aCol)))
                (local.set $bp
                  (i32.add
                    (local.get $bp)
                    (local.get $ldb)))
                (br 0 (;@5;))))
            (local.set $cp
              (i32.add
                (i32.add
                  (local.get $c)
                  (i32.mul
                    (local.get $row)
                    (local.get $ldc)))
                (local.get $col)))
            (if  ;; label = @4
              (i32.and
                (local.get $flags)
                (i32.const 1))
              (then
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 0))))))
                (local.set $acc2
                  (f32x4.add
                    (local.get $acc2)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 1))))))
                (local.set $acc4
                  (f32x4.add
                    (local.get $acc4)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 2))))))
                (local.set $acc6
                  (f32x4.add
                    (local.get $acc6)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 3))))))))
            (if  ;; label = @4
              (local.get $bias)
              (then
                (local.set $bias0
                  (v128.load
                    (i32.add
                      (local.get $bias)
                      (local.get $col))))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (local.get $bias0)))
                (local.set $acc2
                  (f32x4.add
                    (local.get $acc2)
                    (local.get $bias0)))
                (local.set $acc4
                  (f32x4.add
                    (local.get $acc4)
                    (local.get $bias0)))
                (local.set $acc6
                  (f32x4.add
                    (local.get $acc6)
                    (local.get $bias0)))))
            (if  ;; label = @4
              (i32.and
                (local.get $flags)
                (i32.const 2))
              (then
                (local.set $acc0
                  (f32x4.max
                    (local.get $acc0)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc2
                  (f32x4.max
                    (local.get $acc2)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc4
                  (f32x4.max
                    (local.get $acc4)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))
                (local.set $acc6
                  (f32x4.max
                    (local.get $acc6)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 0)))
              (local.get $acc0))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 1)))
              (local.get $acc2))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 2)))
              (local.get $acc4))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 3)))
              (local.get $acc6))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 4)))
            (br 0 (;@3;))))
        (local.set $row
          (local.get $rowEnd4))
        (block  ;; label = @2
          (loop  ;; label = @3
            (br_if 1 (;@2;)
              (i32.eqz
                (i32.lt_u
                  (local.get $row)
                  (local.get $m))))
            (local.set $ap0
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $aRow))))
            (local.set $bEnd
              (i32.add
                (local.tee $bp
                  (i32.add
                    (local.get $b)
                    (local.get $col)))
                (i32.mul
                  (local.get $k)
                  (local.get $ldb))))
            (local.set $acc0
              (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
            (block  ;; label = @4
              (loop  ;; label = @5
                (br_if 1 (;@4;)
                  (i32.ge_u
                    (local.get $bp)
                    (local.get $bEnd)))
                (local.set $bv0
                  (v128.load
                    (local.get $bp)))
                (local.set $av
                  (v128.load32_splat
                    (local.get $ap0)))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (f32x4.mul
                      (local.get $av)
                      (local.get $bv0))))
                (local.set $ap0
                  (i32.add
                    (local.get $ap0)
                    (local.get $aCol)))
                (local.set $bp
                  (i32.add
                    (local.get $bp)
                    (local.get $ldb)))
                (br 0 (;@5;))))
            (local.set $cp
              (i32.add
                (i32.add
                  (local.get $c)
                  (i32.mul
                    (local.get $row)
                    (local.get $ldc)))
                (local.get $col)))
            (if  ;; label = @4
              (i32.and
                (local.get $flags)
                (i32.const 1))
              (then
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (v128.load
                      (i32.add
                        (local.get $cp)
                        (i32.mul
                          (local.get $ldc)
                          (i32.const 0))))))))
            (if  ;; label = @4
              (local.get $bias)
              (then
                (local.set $bias0
                  (v128.load
                    (i32.add
                      (local.get $bias)
                      (local.get $col))))
                (local.set $acc0
                  (f32x4.add
                    (local.get $acc0)
                    (local.get $bias0)))))
            (if  ;; label = @4
              (i32.and
                (local.get $flags)
                (i32.const 2))
              (then
                (local.set $acc0
                  (f32x4.max
                    (local.get $acc0)
                    (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000)))))
            (v128.store
              (i32.add
                (local.get $cp)
                (i32.mul
                  (local.get $ldc)
                  (i32.const 0)))
              (local.get $acc0))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br 0 (;@3;))))
        (local.set $col
          (i32.add
            (local.get $colEnd8)
            (i32.const 16)))))
    (local.set $col
      (local.get $col))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $col)
              (i32.mul
                (local.get $n)
                (i32.const 4)))))
        (local.set $row
          (i32.const 0))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $row)
                  (local.get $m))))
            (local.set $ap0
              (i32.add
                (local.get $a)
                (i32.mul
                  (local.get $row)
                  (local.get $aRow))))
            (local.set $bEnd
              (i32.add
                (local.tee $bp
                  (i32.add
                    (local.get $b)
                    (local.get $col)))
                (i32.mul
                  (local.get $k)
                  (local.get $ldb))))
            (local.set $accScalar
              (f32.const 0x0p+0 (;=0;)))
            (block  ;; label = @5
              (loop  ;; label = @6
                (br_if 1 (;@5;)
                  (i32.ge_u
                    (local.get $bp)
                    (local.get $bEnd)))
                (local.set $accScalar
                  (f32.add
                    (local.get $accScalar)
                    (f32.mul
                      (f32.load
                        (local.get $ap0))
                      (f32.load
                        (local.get $bp)))))
                (local.set $ap0
                  (i32.add
                    (local.get $ap0)
                    (local.get $aCol)))
                (local.set $bp
                  (i32.add
                    (local.get $bp)
                    (local.get $ldb)))
                (br 0 (;@6;))))
            (local.set $cp
              (i32.add
                (i32.add
                  (local.get $c)
                  (i32.mul
                    (local.get $row)
                    (local.get $ldc)))
                (local.get $col)))
            (if  ;; label = @5
              (i32.and
                (local.get $flags)
                (i32.const 1))
              (then
                (local.set $accScalar
                  (f32.add
                    (local.get $accScalar)
                    (f32.load
                      (local.get $cp))))))
            (if  ;; label = @5
              (local.get $bias)
              (then
                (local.set $accScalar
                  (f32.add
                    (local.get $accScalar)
                    (f32.load
                      (i32.add
                        (local.get $bias)
                        (local.get $col)))))))
            (if  ;; label = @5
              (i32.and
                (local.get $flags)
                (i32.const 2))
              (then
                (local.set $accScalar
                  (f32.max
                    (local.get $accScalar)
                    (f32.const 0x0p+0 (;=0;))))))
            (f32.store
              (local.get $cp)
              (local.get $accScalar))
            (local.set $row
              (i32.add
                (local.get $row)
                (i32.const 1)))
            (br 0 (;@4;))))
        (local.set $col
          (i32.add
            (local.get $col)
            (i32.const 4)))
        (br 0 (;@2;))))))
