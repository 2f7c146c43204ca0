(module
  (type (;0;) (func (param i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $columnSum (export "columnSum") (type 0) (param $x i32) (param $out i32) (param $rows i32) (param $columns i32)
    (local $r i32) (local $c i32) (local $rowBytes i32) (local $row i32) (local $zero v128)
    (local.set $rowBytes
      (i32.mul
        (local.get $columns)
        (i32.const 4)))
    (local.set $zero
      (f32x4.splat
        (f32.const 0x0p+0 (;=0;))))
    (local.set $c
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $c)
              (local.get $rowBytes))))
        (v128.store
          (i32.add
            (local.get $out)
            (local.get $c))
          (local.get $zero))
        (local.set $c
          (i32.add
            (local.get $c)
            (i32.const 16)))
        (br 0 (;@2;))))
    (local.set $r
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $r)
              (local.get $rows))))
        (local.set $row
          (i32.add
            (i32.mul
              (local.get $r)
              (local.get $rowBytes))
            (local.get $x)))
        (local.set $c
          (i32.const 0))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $c)
                  (local.get $rowBytes))))
            (v128.store
              (i32.add
                (local.get $out)
                (local.get $c))
              (f32x4.add
                (v128.load
                  (i32.add
                    (local.get $out)
                    (local.get $c)))
                (v128.load
                  (i32.add
                    (local.get $row)
                    (local.get $c)))))
            (local.set $c
              (i32.add
                (local.get $c)
                (i32.const 16)))
            (br 0 (;@4;))))
        (local.set $r
          (i32.add
            (local.get $r)
            (i32.const 1)))
        (br 0 (;@2;))))))
