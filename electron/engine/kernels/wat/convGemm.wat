(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type (;1;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type (;2;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (type (;3;) (func (param i32 i32)))
  (type (;4;) (func (param i32 i32 i32)))
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
        (br 0 (;@2;)))))
  (func $patches (export "patches") (type 1) (param $p i32) (param $ldp i32) (param $x i32) (param $r0 i32) (param $r1 i32) (param $height i32) (param $width i32) (param $channels i32) (param $filterHeight i32) (param $filterWidth i32) (param $outHeight i32) (param $outWidth i32) (param $strideHeight i32) (param $strideWidth i32) (param $top i32) (param $left i32)
    (local $r i32) (local $b i32) (local $oy i32) (local $ox i32) (local $th i32) (local $tw i32) (local $iy i32) (local $ix i32) (local $row i32) (local $tap i32) (local $i i32) (local $tapBytes i32) (local $vecEnd i32) (local $ix0 i32) (local $whole i32) (local $windowBytes i32) (local $windowVecEnd i32)
    (local.set $vecEnd
      (i32.and
        (local.tee $tapBytes
          (i32.mul
            (local.get $channels)
            (i32.const 4)))
        (i32.const -16)))
    (local.set $windowVecEnd
      (i32.and
        (local.tee $windowBytes
          (i32.mul
            (local.get $tapBytes)
            (local.get $filterWidth)))
        (i32.const -16)))
    (local.set $r
      (local.get $r0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $r)
              (local.get $r1))))
        (local.set $b
          (i32.div_u
            (local.get $r)
            (i32.mul
              (local.get $outHeight)
              (local.get $outWidth))))
        (local.set $oy
          (i32.div_u
            (local.tee $ox
              (i32.sub
                (local.get $r)
                (i32.mul
                  (local.get $b)
                  (i32.mul
                    (local.get $outHeight)
                    (local.get $outWidth)))))
            (local.get $outWidth)))
        (local.set $ox
          (i32.sub
            (local.get $ox)
            (i32.mul
              (local.get $oy)
              (local.get $outWidth))))
        (local.set $tap
          (i32.add
            (local.get $p)
            (i32.mul
              (i32.sub
                (local.get $r)
                (local.get $r0))
              (local.get $ldp))))
        (local.set $whole
          (i32.and
            (i32.ge_s
              (local.tee $ix0
                (i32.sub
                  (i32.mul
                    (local.get $ox)
                    (local.get $strideWidth))
                  (local.get $left)))
              (i32.const 0))
            (i32.eqz
              (i32.lt_s
                (local.get $width)
                (i32.add
                  (local.get $ix0)
                  (local.get $filterWidth))))))
        (local.set $th
          (i32.const 0))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $th)
                  (local.get $filterHeight))))
            (if  ;; label = @5
              (i32.lt_u
                (local.tee $iy
                  (i32.sub
                    (i32.add
                      (i32.mul
                        (local.get $oy)
                        (local.get $strideHeight))
                      (local.get $th))
                    (local.get $top)))
                (local.get $height))
              (then
                (if  ;; label = @6
                  (local.get $whole)
                  (then
                    (local.set $row
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (i32.mul
                                  (local.get $b)
                                  (local.get $height))
                                (local.get $iy))
                              (local.get $width))
                            (local.get $ix0))
                          (local.get $tapBytes))
                        (local.get $x)))
                    (local.set $i
                      (i32.const 0))
                    (block  ;; label = @7
                      (loop  ;; label = @8
                        (br_if 1 (;@7;)
                          (i32.eqz
                            (i32.lt_u
                              (local.get $i)
                              (local.get $windowVecEnd))))
                        (v128.store
                          (i32.add
                            (local.get $tap)
                            (local.get $i))
                          (v128.load
                            (i32.add
                              (local.get $row)
                              (local.get $i))))
                        (local.set $i
                          (i32.add
                            (local.get $i)
                            (i32.const 16)))
                        (br 0 (;@8;))))
                    (local.set $i
                      (local.get $windowVecEnd))
                    (block  ;; label = @7
                      (loop  ;; label = @8
                        (br_if 1 (;@7;)
                          (i32.eqz
                            (i32.lt_u
                              (local.get $i)
                              (local.get $windowBytes))))
                        (f32.store
                          (i32.add
                            (local.get $tap)
                            (local.get $i))
                          (f32.load
                            (i32.add
                              (local.get $row)
                              (local.get $i))))
                        (local.set $i
                          (i32.add
                            (local.get $i)
                            (i32.const 4)))
                        (br 0 (;@8;))))
                    (local.set $tap
                      (i32.add
                        (local.get $tap)
                        (local.get $windowBytes))))
                  (else
                    (local.set $tw
                      (i32.const 0))
                    (block  ;; label = @7
                      (loop  ;; label = @8
                        (br_if 1 (;@7;)
                          (i32.eqz
                            (i32.lt_u
                              (local.get $tw)
                              (local.get $filterWidth))))
                        (local.set $ix
                          (i32.sub
                            (i32.add
                              (i32.mul
                                (local.get $ox)
                                (local.get $strideWidth))
                              (local.get $tw))
                            (local.get $left)))
                        (if  ;; label = @9
                          (i32.lt_u
                            (local.get $ix)
                            (local.get $width))
                          (then
                            (local.set $row
                              (i32.add
                                (i32.mul
                                  (i32.add
                                    (i32.mul
                                      (i32.add
                                        (i32.mul
                                          (local.get $b)
                                          (local.get $height))
                                        (local.get $iy))
                                      (local.get $width))
                                    (local.get $ix))
                                  (local.get $tapBytes))
                                (local.get $x)))
                            (local.set $i
                              (i32.const 0))
                            (block  ;; label = @10
                              (loop  ;; label = @11
                                (br_if 1 (;@10;)
                                  (i32.eqz
                                    (i32.lt_u
                                      (local.get $i)
                                      (local.get $vecEnd))))
                                (v128.store
                                  (i32.add
                                    (local.get $tap)
                                    (local.get $i))
                                  (v128.load
                                    (i32.add
                                      (local.get $row)
                                      (local.get $i))))
                                (local.set $i
                                  (i32.add
                                    (local.get $i)
                                    (i32.const 16)))
                                (br 0 (;@11;))))
                            (local.set $i
                              (local.get $vecEnd))
                            (block  ;; label = @10
                              (loop  ;; label = @11
                                (br_if 1 (;@10;)
                                  (i32.eqz
                                    (i32.lt_u
                                      (local.get $i)
                                      (local.get $tapBytes))))
                                (f32.store
                                  (i32.add
                                    (local.get $tap)
                                    (local.get $i))
                                  (f32.load
                                    (i32.add
                                      (local.get $row)
                                      (local.get $i))))
                                (local.set $i
                                  (i32.add
                                    (local.get $i)
                                    (i32.const 4)))
                                (br 0 (;@11;)))))
                          (else
                            (local.set $i
                              (i32.const 0))
                            (block  ;; label = @10
                              (loop  ;; label = @11
                                (br_if 1 (;@10;)
                                  (i32.eqz
                                    (i32.lt_u
                                      (local.get $i)
                                      (local.get $vecEnd))))
                                (v128.store
                                  (i32.add
                                    (local.get $tap)
                                    (local.get $i))
                                  (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
                                (local.set $i
                                  (i32.add
                                    (local.get $i)
                                    (i32.const 16)))
                                (br 0 (;@11;))))
                            (local.set $i
                              (local.get $vecEnd))
                            (block  ;; label = @10
                              (loop  ;; label = @11
                                (br_if 1 (;@10;)
                                  (i32.eqz
                                    (i32.lt_u
                                      (local.get $i)
                                      (local.get $tapBytes))))
                                (f32.store
                                  (i32.add
                                    (local.get $tap)
                                    (local.get $i))
                                  (f32.const 0x0p+0 (;=0;)))
                                (local.set $i
                                  (i32.add
                                    (local.get $i)
                                    (i32.const 4)))
                                (br 0 (;@11;))))))
                        (local.set $tap
                          (i32.add
                            (local.get $tap)
                            (local.get $tapBytes)))
                        (local.set $tw
                          (i32.add
                            (local.get $tw)
                            (i32.const 1)))
                        (br 0 (;@8;)))))))
              (else
                (local.set $i
                  (i32.const 0))
                (block  ;; label = @6
                  (loop  ;; label = @7
                    (br_if 1 (;@6;)
                      (i32.eqz
                        (i32.lt_u
                          (local.get $i)
                          (local.get $windowVecEnd))))
                    (v128.store
                      (i32.add
                        (local.get $tap)
                        (local.get $i))
                      (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
                    (local.set $i
                      (i32.add
                        (local.get $i)
                        (i32.const 16)))
                    (br 0 (;@7;))))
                (local.set $i
                  (local.get $windowVecEnd))
                (block  ;; label = @6
                  (loop  ;; label = @7
                    (br_if 1 (;@6;)
                      (i32.eqz
                        (i32.lt_u
                          (local.get $i)
                          (local.get $windowBytes))))
                    (f32.store
                      (i32.add
                        (local.get $tap)
                        (local.get $i))
                      (f32.const 0x0p+0 (;=0;)))
                    (local.set $i
                      (i32.add
                        (local.get $i)
                        (i32.const 4)))
                    (br 0 (;@7;))))
                (local.set $tap
                  (i32.add
                    (local.get $tap)
                    (local.get $windowBytes)))))
            (local.set $th
              (i32.add
                (local.get $th)
                (i32.const 1)))
            (br 0 (;@4;))))
        (local.set $r
          (i32.add
            (local.get $r)
            (i32.const 1)))
        (br 0 (;@2;)))))
  (func $addPatches (export "addPatches") (type 2) (param $p i32) (param $ldp i32) (param $x i32) (param $r0 i32) (param $r1 i32) (param $height i32) (param $width i32) (param $channels i32) (param $filterHeight i32) (param $filterWidth i32) (param $outHeight i32) (param $outWidth i32) (param $strideHeight i32) (param $strideWidth i32) (param $top i32) (param $left i32)
    (local $r i32) (local $b i32) (local $oy i32) (local $ox i32) (local $th i32) (local $tw i32) (local $iy i32) (local $ix i32) (local $row i32) (local $tap i32) (local $i i32) (local $tapBytes i32) (local $vecEnd i32) (local $ix0 i32) (local $whole i32) (local $windowBytes i32) (local $windowVecEnd i32)
    (local.set $vecEnd
      (i32.and
        (local.tee $tapBytes
          (i32.mul
            (local.get $channels)
            (i32.const 4)))
        (i32.const -16)))
    (local.set $windowVecEnd
      (i32.and
        (local.tee $windowBytes
          (i32.mul
            (local.get $tapBytes)
            (local.get $filterWidth)))
        (i32.const -16)))
    (local.set $r
      (local.get $r0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $r)
              (local.get $r1))))
        (local.set $b
          (i32.div_u
            (local.get $r)
            (i32.mul
              (local.get $outHeight)
              (local.get $outWidth))))
        (local.set $oy
          (i32.div_u
            (local.tee $ox
              (i32.sub
                (local.get $r)
                (i32.mul
                  (local.get $b)
                  (i32.mul
                    (local.get $outHeight)
                    (local.get $outWidth)))))
            (local.get $outWidth)))
        (local.set $ox
          (i32.sub
            (local.get $ox)
            (i32.mul
              (local.get $oy)
              (local.get $outWidth))))
        (local.set $tap
          (i32.add
            (local.get $p)
            (i32.mul
              (i32.sub
                (local.get $r)
                (local.get $r0))
              (local.get $ldp))))
        (local.set $whole
          (i32.and
            (i32.ge_s
              (local.tee $ix0
                (i32.sub
                  (i32.mul
                    (local.get $ox)
                    (local.get $strideWidth))
                  (local.get $left)))
              (i32.const 0))
            (i32.eqz
              (i32.lt_s
                (local.get $width)
                (i32.add
                  (local.get $ix0)
                  (local.get $filterWidth))))))
        (local.set $th
          (i32.const 0))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $th)
                  (local.get $filterHeight))))
            (if  ;; label = @5
              (i32.lt_u
                (local.tee $iy
                  (i32.sub
                    (i32.add
                      (i32.mul
                        (local.get $oy)
                        (local.get $strideHeight))
                      (local.get $th))
                    (local.get $top)))
                (local.get $height))
              (then
                (if  ;; label = @6
                  (local.get $whole)
                  (then
                    (local.set $row
                      (i32.add
                        (i32.mul
                          (i32.add
                            (i32.mul
                              (i32.add
                                (i32.mul
                                  (local.get $b)
                                  (local.get $height))
                                (local.get $iy))
                              (local.get $width))
                            (local.get $ix0))
                          (local.get $tapBytes))
                        (local.get $x)))
                    (local.set $i
                      (i32.const 0))
                    (block  ;; label = @7
                      (loop  ;; label = @8
                        (br_if 1 (;@7;)
                          (i32.eqz
                            (i32.lt_u
                              (local.get $i)
                              (local.get $windowVecEnd))))
                        (v128.store
                          (i32.add
                            (local.get $row)
                            (local.get $i))
                          (f32x4.add
                            (v128.load
                              (i32.add
                                (local.get $row)
                                (local.get $i)))
                            (v128.load
                              (i32.add
                                (local.get $tap)
                                (local.get $i)))))
                        (local.set $i
                          (i32.add
                            (local.get $i)
                            (i32.const 16)))
                        (br 0 (;@8;))))
                    (local.set $i
                      (local.get $windowVecEnd))
                    (block  ;; label = @7
                      (loop  ;; label = @8
                        (br_if 1 (;@7;)
                          (i32.eqz
                            (i32.lt_u
                              (local.get $i)
                              (local.get $windowBytes))))
                        (f32.store
                          (i32.add
                            (local.get $row)
                            (local.get $i))
                          (f32.add
                            (f32.load
                              (i32.add
                                (local.get $row)
                                (local.get $i)))
                            (f32.load
                              (i32.add
                                (local.get $tap)
                                (local.get $i)))))
                        (local.set $i
                          (i32.add
                            (local.get $i)
                            (i32.const 4)))
                        (br 0 (;@8;))))
                    (local.set $tap
                      (i32.add
                        (local.get $tap)
                        (local.get $windowBytes))))
                  (else
                    (local.set $tw
                      (i32.const 0))
                    (block  ;; label = @7
                      (loop  ;; label = @8
                        (br_if 1 (;@7;)
                          (i32.eqz
                            (i32.lt_u
                              (local.get $tw)
                              (local.get $filterWidth))))
                        (local.set $ix
                          (i32.sub
                            (i32.add
                              (i32.mul
                                (local.get $ox)
                                (local.get $strideWidth))
                              (local.get $tw))
                            (local.get $left)))
                        (if  ;; label = @9
                          (i32.lt_u
                            (local.get $ix)
                            (local.get $width))
                          (then
                            (local.set $row
                              (i32.add
                                (i32.mul
                                  (i32.add
                                    (i32.mul
                                      (i32.add
                                        (i32.mul
                                          (local.get $b)
                                          (local.get $height))
                                        (local.get $iy))
                                      (local.get $width))
                                    (local.get $ix))
                                  (local.get $tapBytes))
                                (local.get $x)))
                            (local.set $i
                              (i32.const 0))
                            (block  ;; label = @10
                              (loop  ;; label = @11
                                (br_if 1 (;@10;)
                                  (i32.eqz
                                    (i32.lt_u
                                      (local.get $i)
                                      (local.get $vecEnd))))
                                (v128.store
                                  (i32.add
                                    (local.get $row)
                                    (local.get $i))
                                  (f32x4.add
                                    (v128.load
                                      (i32.add
                                        (local.get $row)
                                        (local.get $i)))
                                    (v128.load
                                      (i32.add
                                        (local.get $tap)
                                        (local.get $i)))))
                                (local.set $i
                                  (i32.add
                                    (local.get $i)
                                    (i32.const 16)))
                                (br 0 (;@11;))))
                            (local.set $i
                              (local.get $vecEnd))
                            (block  ;; label = @10
                              (loop  ;; label = @11
                                (br_if 1 (;@10;)
                                  (i32.eqz
                                    (i32.lt_u
                                      (local.get $i)
                                      (local.get $tapBytes))))
                                (f32.store
                                  (i32.add
                                    (local.get $row)
                                    (local.get $i))
                                  (f32.add
                                    (f32.load
                                      (i32.add
                                        (local.get $row)
                                        (local.get $i)))
                                    (f32.load
                                      (i32.add
                                        (local.get $tap)
                                        (local.get $i)))))
                                (local.set $i
                                  (i32.add
                                    (local.get $i)
                                    (i32.const 4)))
                                (br 0 (;@11;))))))
                        (local.set $tap
                          (i32.add
                            (local.get $tap)
                            (local.get $tapBytes)))
                        (local.set $tw
                          (i32.add
                            (local.get $tw)
                            (i32.const 1)))
                        (br 0 (;@8;)))))))
              (else
                (local.set $tap
                  (i32.add
                    (local.get $tap)
                    (local.get $windowBytes)))))
            (local.set $th
              (i32.add
                (local.get $th)
                (i32.const 1)))
            (br 0 (;@4;))))
        (local.set $r
          (i32.add
            (local.get $r)
            (i32.const 1)))
        (br 0 (;@2;)))))
  (func $zero (export "zero") (type 3) (param $at i32) (param $floats i32)
    (local $j i32) (local $bytes i32) (local $vectorBytes i32)
    (local.set $vectorBytes
      (i32.and
        (local.tee $bytes
          (i32.mul
            (local.get $floats)
            (i32.const 4)))
        (i32.const -16)))
    (local.set $j
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $j)
              (local.get $vectorBytes))))
        (v128.store
          (i32.add
            (local.get $at)
            (local.get $j))
          (v128.const i32x4 0x00000000 0x00000000 0x00000000 0x00000000))
        (local.set $j
          (i32.add
            (local.get $j)
            (i32.const 16)))
        (br 0 (;@2;))))
    (local.set $j
      (local.get $vectorBytes))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $j)
              (local.get $bytes))))
        (f32.store
          (i32.add
            (local.get $at)
            (local.get $j))
          (f32.const 0x0p+0 (;=0;)))
        (local.set $j
          (i32.add
            (local.get $j)
            (i32.const 4)))
        (br 0 (;@2;)))))
  (func $addTo (export "addTo") (type 4) (param $dst i32) (param $src i32) (param $floats i32)
    (local $j i32) (local $bytes i32) (local $vectorBytes i32)
    (local.set $vectorBytes
      (i32.and
        (local.tee $bytes
          (i32.mul
            (local.get $floats)
            (i32.const 4)))
        (i32.const -16)))
    (local.set $j
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $j)
              (local.get $vectorBytes))))
        (v128.store
          (i32.add
            (local.get $dst)
            (local.get $j))
          (f32x4.add
            (v128.load
              (i32.add
                (local.get $dst)
                (local.get $j)))
            (v128.load
              (i32.add
                (local.get $src)
                (local.get $j)))))
        (local.set $j
          (i32.add
            (local.get $j)
            (i32.const 16)))
        (br 0 (;@2;))))
    (local.set $j
      (local.get $vectorBytes))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $j)
              (local.get $bytes))))
        (f32.store
          (i32.add
            (local.get $dst)
            (local.get $j))
          (f32.add
            (f32.load
              (i32.add
                (local.get $dst)
                (local.get $j)))
            (f32.load
              (i32.add
                (local.get $src)
                (local.get $j)))))
        (local.set $j
          (i32.add
            (local.get $j)
            (i32.const 4)))
        (br 0 (;@2;))))))
