(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 f32 f32 f32 f32 f32 f32 f32 f32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $adam (export "adam") (type 0) (param $w i32) (param $g i32) (param $m i32) (param $v i32) (param $out i32) (param $count i32) (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32) (param $r1 f32) (param $r2 f32) (param $epsilon f32) (param $step f32)
    (local $at i32) (local $vecEnd i32) (local $b1x4 v128) (local $b2x4 v128) (local $c1x4 v128) (local $c2x4 v128) (local $r1x4 v128) (local $r2x4 v128) (local $epsilonx4 v128) (local $stepx4 v128) (local $gx4 v128) (local $mx4 v128) (local $vx4 v128) (local $g1 f32) (local $m1 f32) (local $v1 f32)
    (local.set $b1x4
      (f32x4.splat
        (local.get $b1)))
    (local.set $b2x4
      (f32x4.splat
        (local.get $b2)))
    (local.set $c1x4
      (f32x4.splat
        (local.get $c1)))
    (local.set $c2x4
      (f32x4.splat
        (local.get $c2)))
    (local.set $r1x4
      (f32x4.splat
        (local.get $r1)))
    (local.set $r2x4
      (f32x4.splat
        (local.get $r2)))
    (local.set $epsilonx4
      (f32x4.splat
        (local.get $epsilon)))
    (local.set $stepx4
      (f32x4.splat
        (local.get $step)))
    (local.set $vecEnd
      (i32.mul
        (i32.and
          (local.get $count)
          (i32.const -4))
        (i32.const 4)))
    (local.set $at
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $at)
              (local.get $vecEnd))))
        (local.set $gx4
          (v128.load
            (i32.add
              (local.get $g)
              (local.get $at))))
        (v128.store
          (i32.add
            (local.get $m)
            (local.get $at))
          (local.tee $mx4
            (f32x4.add
              (f32x4.mul
                (v128.load
                  (i32.add
                    (local.get $m)
                    (local.get $at)))
                (local.get $b1x4))
              (f32x4.mul
                (local.get $gx4)
                (local.get $c1x4)))))
        (v128.store
          (i32.add
            (local.get $v)
            (local.get $at))
          (local.tee $vx4
            (f32x4.add
              (f32x4.mul
                (v128.load
                  (i32.add
                    (local.get $v)
                    (local.get $at)))
                (local.get $b2x4))
              (f32x4.mul
                (f32x4.mul
                  (local.get $gx4)
                  (local.get $gx4))
                (local.get $c2x4)))))
        (v128.store
          (i32.add
            (local.get $out)
            (local.get $at))
          (f32x4.add
            (v128.load
              (i32.add
                (local.get $w)
                (local.get $at)))
            (f32x4.mul
              (f32x4.div
                (f32x4.mul
                  (local.get $mx4)
                  (local.get $r1x4))
                (f32x4.add
                  (f32x4.sqrt
                    (f32x4.mul
                      (local.get $vx4)
                      (local.get $r2x4)))
                  (local.get $epsilonx4)))
              (local.get $stepx4))))
        (local.set $at
          (i32.add
            (local.get $at)
            (i32.const 16)))
        (br 0 (;@2;))))
    (local.set $vecEnd
      (i32.mul
        (local.get $count)
        (i32.const 4)))
    (local.set $at
      (local.get $at))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $at)
              (local.get $vecEnd))))
        (local.set $g1
          (f32.load
            (i32.add
              (local.get $g)
              (local.get $at))))
        (f32.store
          (i32.add
            (local.get $m)
            (local.get $at))
          (local.tee $m1
            (f32.add
              (f32.mul
                (f32.load
                  (i32.add
                    (local.get $m)
                    (local.get $at)))
                (local.get $b1))
              (f32.mul
                (local.get $g1)
                (local.get $c1)))))
        (f32.store
          (i32.add
            (local.get $v)
            (local.get $at))
          (local.tee $v1
            (f32.add
              (f32.mul
                (f32.load
                  (i32.add
                    (local.get $v)
                    (local.get $at)))
                (local.get $b2))
              (f32.mul
                (f32.mul
                  (local.get $g1)
                  (local.get $g1))
                (local.get $c2)))))
        (f32.store
          (i32.add
            (local.get $out)
            (local.get $at))
          (f32.add
            (f32.load
              (i32.add
                (local.get $w)
                (local.get $at)))
            (f32.mul
              (f32.div
                (f32.mul
                  (local.get $m1)
                  (local.get $r1))
                (f32.add
                  (f32.sqrt
                    (f32.mul
                      (local.get $v1)
                      (local.get $r2)))
                  (local.get $epsilon)))
              (local.get $step))))
        (local.set $at
          (i32.add
            (local.get $at)
            (i32.const 4)))
        (br 0 (;@2;))))))
