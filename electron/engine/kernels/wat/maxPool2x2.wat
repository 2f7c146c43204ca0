(module
  (type (;0;) (func (param i32 i32 i32 i32 i32 i32 i32 i32 i32 i32)))
  (import "env" "memory" (memory (;0;) 1))
  (func $maxPool2x2 (export "maxPool2x2") (type 0) (param $x i32) (param $y i32) (param $dy i32) (param $dx i32) (param $batch i32) (param $height i32) (param $width i32) (param $channels i32) (param $outHeight i32) (param $outWidth i32)
    (local $r i32) (local $rows i32) (local $ow i32) (local $ci i32) (local $channelBytes i32) (local $rowBytes i32) (local $in0 i32) (local $in1 i32) (local $outRow i32) (local $a0 i32) (local $a2 i32) (local $o i32) (local $max v128) (local $g v128) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $t v128)
    (local.set $rowBytes
      (i32.mul
        (local.tee $channelBytes
          (i32.mul
            (local.get $channels)
            (i32.const 4)))
        (local.get $width)))
    (local.set $rows
      (i32.mul
        (local.get $batch)
        (local.get $outHeight)))
    (local.set $r
      (i32.const 0))
    (block  ;; label = @1
      (loop  ;; label = @2
        (br_if 1 (;@1;)
          (i32.eqz
            (i32.lt_u
              (local.get $r)
              (local.get $rows))))
        (local.set $in1
          (i32.add
            (local.tee $in0
              (i32.mul
                (i32.add
                  (i32.mul
                    (i32.div_u
                      (local.get $r)
                      (local.get $outHeight))
                    (local.get $height))
                  (i32.mul
                    (i32.rem_u
                      (local.get $r)
                      (local.get $outHeight))
                    (i32.const 2)))
                (local.get $rowBytes)))
            (local.get $rowBytes)))
        (local.set $outRow
          (i32.mul
            (i32.mul
              (local.get $r)
              (local.get $outWidth))
            (local.get $channelBytes)))
        (local.set $ow
          (i32.const 0))
        (block  ;; label = @3
          (loop  ;; label = @4
            (br_if 1 (;@3;)
              (i32.eqz
                (i32.lt_u
                  (local.get $ow)
                  (local.get $outWidth))))
            (local.set $a2
              (i32.add
                (local.tee $a0
                  (i32.mul
                    (i32.mul
                      (local.get $ow)
                      (i32.const 2))
                    (local.get $channelBytes)))
                (local.get $in1)))
            (local.set $a0
              (i32.add
                (local.get $a0)
                (local.get $in0)))
            (local.set $o
              (i32.add
                (i32.mul
                  (local.get $ow)
                  (local.get $channelBytes))
                (local.get $outRow)))
            (local.set $ci
              (i32.const 0))
            (block  ;; label = @5
              (loop  ;; label = @6
                (br_if 1 (;@5;)
                  (i32.eqz
                    (i32.lt_u
                      (local.get $ci)
                      (local.get $channelBytes))))
                (v128.store
                  (i32.add
                    (i32.add
                      (local.get $y)
                      (local.get $o))
                    (local.get $ci))
                  (f32x4.max
                    (f32x4.max
                      (v128.load
                        (i32.add
                          (i32.add
                            (local.get $x)
                            (local.get $a0))
                          (local.get $ci)))
                      (v128.load
                        (i32.add
                          (i32.add
                            (i32.add
                              (local.get $a0)
                              (local.get $channelBytes))
                            (local.get $ci))
                          (local.get $x))))
                    (f32x4.max
                      (v128.load
                        (i32.add
                          (i32.add
                            (local.get $x)
                            (local.get $a2))
                          (local.get $ci)))
                      (v128.load
                        (i32.add
                          (i32.add
                            (i32.add
                              (local.get $a2)
                              (local.get $channelBytes))
                            (local.get $ci))
                          (local.get $x))))))
                (local.set $ci
                  (i32.add
                    (local.get $ci)
                    (i32.const 16)))
                (br 0 (;@6;))))
            (local.set $ow
              (i32.add
                (local.get $ow)
                (i32.const 1)))
            (br 0 (;@4;))))
        (local.set $r
          (i32.add
            (local.get $r)
            (i32.const 1)))
        (br 0 (;@2;))))))
