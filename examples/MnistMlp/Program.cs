// The first real result: a 784-512-256-10 ReLU MLP on the full MNIST, trained with Fit.
//   dotnet run -c Release --project examples/MnistMlp -- [mnist-folder] [epochs]
// The folder defaults to the cache (NEURONE_DATA or ~/.cache/neurone/mnist); on these machines fill it with
// ../shared/datasets/fetch-mnist.sh. Prints progress per epoch, the test accuracy, and saves the model.
using System.Diagnostics;
using Neurone.Data;
using Neurone.Nn;
using Neurone.Optim;
using Neurone.Tensors;
using Neurone.Training;

string? folder = args.Length > 0 ? args[0] : null;
int epochs = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 10;

var load = Stopwatch.StartNew();
var (train, test) = Mnist.Load(folder);
// Pixels to [0, 1], then standardised with the training set's mean and deviation (as the PyTorch reference does).
var normalize = Normalize.FitGlobal(train);
var trainSet = train.WithTransform(normalize).Flatten();
var testSet = test.WithTransform(normalize).Flatten();
Console.WriteLine($"MNIST: {train.Count} training and {test.Count} test images, loaded in {load.Elapsed.TotalSeconds:F2} s");

var rng = new Rng(0);
var model = new Sequential(
    new Linear(784, 512, rng: rng), new ReLU(),
    new Linear(512, 256, rng: rng), new ReLU(),
    new Linear(256, 10, rng: rng));
var optimizer = new SGD(model.Parameters(), lr: 0.05, momentum: 0.9);
var trainer = new Trainer(model, optimizer, new CrossEntropyLoss(), new Accuracy());
Console.WriteLine(ModelSummary.Of(model, 784));

var history = trainer.Fit(trainSet, epochs: epochs, batchSize: 128, validationData: testSet,
    callbacks: [new LearningRateSchedule(new CosineAnnealingLR(optimizer, tMax: epochs))], rng: rng);

var result = trainer.Evaluate(testSet);
Console.WriteLine($"test accuracy {result["accuracy"]:P2}, test loss {result["loss"]:F4}");
Directory.CreateDirectory("runs");
Model.Save(model, Path.Combine("runs", "mnist-mlp.safetensors"));
File.WriteAllText(Path.Combine("runs", "mnist-mlp-history.csv"), history.ToCsv());
Console.WriteLine("saved runs/mnist-mlp.safetensors and runs/mnist-mlp-history.csv");
