import type { Messages } from './en'

/** Simplified Chinese messages; the type makes a missing or extra key a compile error. */
export const zhCN: Messages = {
  app: {
    name: 'Strata',
    tagline: '在你自己的电脑上搭建、训练和评估神经网络。'
  },
  nav: {
    home: '首页',
    data: '数据',
    build: '搭建',
    train: '训练',
    evaluate: '评估',
    experiments: '实验',
    export: '导出',
    language: '语言'
  },
  home: {
    createTitle: '新建项目',
    createHint: '项目是一个文件夹，里面保存你的数据、模型和训练记录。你可以把它打包发给别人。',
    nameLabel: '项目名称',
    namePlaceholder: '例如：瑕疵检测',
    create: '新建项目',
    openTitle: '打开项目',
    openPathLabel: '项目文件夹',
    openPathPlaceholder: '/路径/我的项目.strata',
    open: '打开',
    recentTitle: '最近的项目',
    recentEmpty: '还没有项目。在上方新建一个即可开始。',
    samplesTitle: '示例项目',
    samplesEmpty: '示例项目将显示在这里。',
    current: '当前项目：{name}',
    created: '已创建 {name}。',
    opened: '已打开 {name}。',
    lastOpened: '上次打开于 {when}'
  },
  views: {
    needProject: '请先在首页打开或新建一个项目。',
    notBuilt: '工作室的这一部分尚未完成。'
  },
  data: {
    title: '数据'
  },
  build: {
    title: '搭建'
  },
  train: {
    title: '训练'
  },
  status: {
    backend: '训练设备：{backend}',
    checking: '正在检查可用于训练的硬件…',
    whyNot: '为什么不能更快？',
    connection: '与 Strata 的连接已断开。请刷新页面重新连接。',
    browserMode: '浏览器模式'
  },
  backends: {
    'node-gpu': 'NVIDIA 显卡（CUDA）',
    node: '原生 CPU（TensorFlow）',
    wasm: 'WebAssembly CPU',
    cpu: '纯 JavaScript CPU（较慢）',
    available: '可用',
    unavailable: '不可用',
    active: '使用中',
    reasons: {
      notInstalled: '{backend} 未安装：安装 Strata 时无法下载它的原生 TensorFlow 库（没有网络，或没有适用于这台电脑的版本）。',
      loadFailed: '{backend} 已安装，但其原生库加载失败。',
      noGpu: '没有找到支持 CUDA 11.2 和 cuDNN 8 的 NVIDIA 显卡。',
      gpuPreferred: '未加载：已改用 GPU 版 TensorFlow。',
      wasmFailed: 'WebAssembly 引擎无法在这台电脑上启动。',
      slower: '可以使用，但有更快的选项。'
    }
  },
  errors: {
    UNKNOWN_CHANNEL: 'Strata 收到了一个无法识别的请求（{channel}）。请更新应用，使两部分版本一致。',
    INVALID_PAYLOAD: '发往 {channel} 的请求无效：{issues}。没有做任何更改。',
    INTERNAL: 'Strata 内部出错了。你的数据没有被更改；详情见下方。',
    NOT_FOUND: '找不到{what}。',
    PROJECT_EXISTS: '{path} 已经有一个项目。请换一个名字，或直接打开它。',
    PROJECT_NOT_FOUND: '在 {path} 没有找到 Strata 项目。请检查文件夹，或新建一个项目。',
    PROJECT_TOO_NEW: '这个项目由更新版本的 Strata 保存（格式 {found}；当前版本最多支持 {supported}）。请更新 Strata 后再打开；项目没有被更改。',
    PROJECT_CORRUPT: '无法读取 {path} 的项目：数据库已损坏。请从备份恢复；Strata 没有修改它。',
    NO_PROJECT_OPEN: '当前没有打开的项目。请先在首页打开或新建一个。',
    INVALID_NAME: '名称“{name}”不能使用：请使用字母、数字、空格、点、短横线或下划线。',
    PATH_OUTSIDE_PROJECT: '路径 {path} 在项目文件夹之外，Strata 不会读写它。',
    ENGINE_UNAVAILABLE: '训练引擎无法启动：{reason}',
    BAD_ARGUMENTS: '{reason}',
    TRAINING_DIVERGED: '第 {epoch} 轮时损失变成了 NaN 或无穷大，训练已停止。请尝试更低的学习率（当前为 {learningRate}），或检查数据中是否有极端值。',
    RUN_NOT_RESUMABLE: '无法继续运行 {runId}：{reason}',
    RUN_BUSY: '运行 {runId} 当前状态为 {status}；请等它结束或先停止它。'
  },
  cli: {
    usage: '用法：strata <命令> [选项]\n\n命令：\n  new <文件夹>                 新建项目\n  info [项目] [--json]         显示训练后端（以及项目信息）\n  serve [--port N] [--host H] [--open]\n                               在浏览器中启动工作室\n\n每个命令都支持 --json。',
    unknownCommand: '未知命令“{command}”。运行 “strata --help” 查看所有命令。',
    missingArgument: '缺少{what}。运行 “strata --help” 查看用法。',
    created: '已在 {path} 创建项目“{name}”',
    project: '项目“{name}”位于 {path}（格式 {version}，创建于 {created}）',
    backendsTitle: '训练后端（从快到慢）：',
    backendLine: '  {mark} {backend}：{state}',
    chosen: 'Strata 将使用：{backend}',
    serving: 'Strata 正以浏览器模式运行。请在浏览器中打开：\n  {url}\n按 Ctrl+C 停止。',
    noElectron: '桌面窗口不可用（{reason}），因此 Strata 改为在浏览器中打开。',
    stopped: 'Strata 已停止。'
  }
}
