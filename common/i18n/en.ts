/** English messages: the single message table for the renderer (vue-i18n) and the CLI. Placeholders are `{name}`. */
export const en = {
  app: {
    name: 'Strata',
    tagline: 'Build, train and judge neural networks on your own computer.'
  },
  nav: {
    home: 'Home',
    data: 'Data',
    build: 'Build',
    train: 'Train',
    evaluate: 'Evaluate',
    experiments: 'Experiments',
    export: 'Export',
    language: 'Language'
  },
  home: {
    createTitle: 'Create a project',
    createHint: 'A project is a folder that holds your data, models and training runs. You can zip it and send it to someone.',
    nameLabel: 'Project name',
    namePlaceholder: 'e.g. Defect detector',
    create: 'Create project',
    openTitle: 'Open a project',
    openPathLabel: 'Project folder',
    openPathPlaceholder: '/path/to/My Project.strata',
    open: 'Open',
    recentTitle: 'Recent projects',
    recentEmpty: 'No projects yet. Create one above to get started.',
    samplesTitle: 'Sample projects',
    samplesEmpty: 'Sample projects will appear here.',
    current: 'Open project: {name}',
    created: 'Created {name}.',
    opened: 'Opened {name}.',
    lastOpened: 'Last opened {when}'
  },
  views: {
    needProject: 'Open or create a project on Home first.',
    notBuilt: 'This part of the studio is not built yet.'
  },
  data: {
    title: 'Data'
  },
  build: {
    title: 'Build'
  },
  train: {
    title: 'Train',
    dataset: 'Dataset',
    model: 'Model',
    noDatasets: 'Import a dataset on the Data screen first.',
    noModels: 'Build a model on the Build screen first.',
    settings: 'Training settings',
    epochs: 'Epochs',
    epochsHelp: 'How many times the model sees the whole training set. More epochs learn more but can overfit.',
    batchSize: 'Batch size',
    batchSizeHelp: 'How many examples the model looks at before each small correction. 32 is a good default.',
    learningRate: 'Learning rate',
    learningRateHelp: 'How big each correction is. Too high and training becomes unstable; too low and it is slow.',
    optimizer: 'Optimiser',
    optimizerHelp: 'The method that corrects the model. Adam works well almost always.',
    seed: 'Random seed',
    seedHelp: 'Makes the shuffling repeatable: the same seed gives the same run.',
    backend: 'Hardware',
    backendHelp: 'Auto picks the fastest one available on this computer.',
    auto: 'Auto',
    earlyStopping: 'Stop early when validation stops improving',
    earlyStoppingHelp: 'Saves time and keeps the best model when more training no longer helps.',
    patience: 'Patience (epochs)',
    reduceLr: 'Lower the learning rate when progress stalls',
    classWeights: 'Balance rare classes',
    classWeightsHelp: 'Counts mistakes on rare classes more, for imbalanced data.',
    augmentation: 'Image augmentation (training only)',
    flip: 'Flip',
    rotation: 'Rotate (degrees)',
    zoom: 'Zoom',
    shear: 'Shear',
    brightness: 'Brightness',
    start: 'Start training',
    pause: 'Pause',
    resume: 'Resume',
    stop: 'Stop',
    runs: 'Runs',
    run: 'Run {id}',
    status: {
      queued: 'Starting…',
      running: 'Training',
      paused: 'Paused',
      completed: 'Finished',
      stopped: 'Stopped',
      failed: 'Failed',
      interrupted: 'Interrupted'
    },
    epochOf: 'Epoch {epoch} of {epochs}',
    batchOf: 'batch {batch} of {batches}',
    speed: '{rate} samples/s',
    eta: 'about {time} left',
    backendBadge: 'Trained on: {backend}',
    curves: 'Learning curves',
    lossChart: 'Loss',
    metricChart: 'Accuracy / error',
    trainingSeries: 'training',
    validationSeries: 'validation',
    batchLoss: 'Batch loss',
    overfitting: 'Validation loss is rising while training loss falls: the model is starting to memorise the training data. Stop early, add Dropout, or get more data.',
    earlyStopped: 'Stopped early at epoch {epoch}: {monitor} had not improved since epoch {bestEpoch}. The best model (epoch {bestEpoch}) is kept.',
    noRun: 'Choose a dataset and a model, then start training.'
  },
  status: {
    backend: 'Training on: {backend}',
    checking: 'Checking which hardware can train…',
    whyNot: 'Why not faster?',
    connection: 'Connection to Strata lost. Reload the page to reconnect.',
    browserMode: 'Browser mode'
  },
  backends: {
    'node-gpu': 'NVIDIA GPU (CUDA)',
    node: 'Native CPU (TensorFlow)',
    wasm: 'WebAssembly CPU',
    cpu: 'Plain JavaScript CPU (slow)',
    available: 'available',
    unavailable: 'unavailable',
    active: 'active',
    reasons: {
      notInstalled: 'The {backend} package is not installed: its native TensorFlow library could not be downloaded when Strata was installed (no internet, or no build for this computer).',
      loadFailed: 'The {backend} package is installed but its native library failed to load.',
      noGpu: 'No NVIDIA GPU with CUDA 11.2 and cuDNN 8 was found.',
      gpuPreferred: 'Not loaded: the GPU build of TensorFlow is used instead.',
      wasmFailed: 'The WebAssembly engine could not start on this computer.',
      slower: 'Works, but a faster option is available.'
    }
  },
  errors: {
    UNKNOWN_CHANNEL: 'Strata received a request it does not know ({channel}). Update the app so both parts match.',
    INVALID_PAYLOAD: 'The request to {channel} was not valid: {issues}. Nothing was changed.',
    INTERNAL: 'Something went wrong inside Strata. Your data was not changed; see the details.',
    NOT_FOUND: '{what} was not found.',
    PROJECT_EXISTS: 'A project already exists at {path}. Choose another name or open it instead.',
    PROJECT_NOT_FOUND: 'No Strata project was found at {path}. Check the folder, or create a new project.',
    PROJECT_TOO_NEW: 'This project was saved by a newer version of Strata (format {found}; this version reads up to {supported}). Update Strata to open it; the project was not changed.',
    PROJECT_CORRUPT: 'The project at {path} could not be read: its database is damaged. Restore it from a backup; Strata did not change it.',
    NO_PROJECT_OPEN: 'No project is open. Open or create one on Home first.',
    INVALID_NAME: 'The name "{name}" cannot be used: use letters, digits, spaces, dots, dashes or underscores.',
    PATH_OUTSIDE_PROJECT: 'The path {path} is outside the project folder, so Strata will not read or write it.',
    ENGINE_UNAVAILABLE: 'The training engine could not start: {reason}',
    BAD_ARGUMENTS: '{reason}',
    TRAINING_DIVERGED: 'The loss became NaN or infinite at epoch {epoch}, so training stopped. Try a lower learning rate (it was {learningRate}) or check the data for extreme values.',
    RUN_NOT_RESUMABLE: 'Run {runId} cannot be resumed: {reason}',
    RUN_BUSY: 'Run {runId} is {status}; wait for it to finish or stop it first.'
  },
  cli: {
    usage: 'Usage: strata <command> [options]\n\nCommands:\n  new <folder>                 create a project\n  info [project] [--json]      show the training backends (and a project)\n  serve [--port N] [--host H] [--open]\n                               start the studio in your browser\n\nEvery command accepts --json.',
    unknownCommand: 'Unknown command "{command}". Run "strata --help" to see the commands.',
    missingArgument: 'Missing {what}. Run "strata --help" to see how to use this command.',
    created: 'Created project "{name}" at {path}',
    project: 'Project "{name}" at {path} (format {version}, created {created})',
    backendsTitle: 'Training backends (best first):',
    backendLine: '  {mark} {backend}: {state}',
    chosen: 'Strata will train on: {backend}',
    serving: 'Strata is running in browser mode. Open this address in your browser:\n  {url}\nPress Ctrl+C to stop.',
    noElectron: 'The desktop window is not available ({reason}), so Strata opens in your browser instead.',
    stopped: 'Strata stopped.'
  }
}

/** The shape every locale's message table must have. */
export type Messages = typeof en
