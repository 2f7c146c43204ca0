(module
  (type (;0;) (func (param i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $reluGrad (export "reluGrad") (type 0) (param $dy i32) (param $x i32) (param $dx i32) (param $count i32)
    (local $at i32) (local $end i32) (local $zero v128)
    (local.set $zero
      (f32x4.splat
        (f32.const 0x0p+0 (;=0;))))
    (local.set $end
      (i32.mul
        (local.get $count)
        (i32.const 4)))
    (local.set $at
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $at)
              (local.get $end))))
        (v128.store
          (i32.add
            (local.get $dx)
            (local.get $at))
          (v128.and
            (v128.load
              (i32.add
                (local.get $dy)
                (local.get $at)))
            (f32x4.gt
              (v128.load
                (i32.add
                  (local.get $x)
                  (local.get $at)))
              (local.get $zero))))
        (local.set $at
          (i32.add
            (local.get $at)
            (i32.const 16)))
        (br 0 (;@2;))))))
