namespace Neurone.Nn;

/// <summary>
/// A module type that <see cref="Training.Model.Save"/> can describe and <see cref="Training.Model.Load"/>
/// rebuild without the user's code, as Keras' <c>get_config</c> / <c>from_config</c> with
/// <c>register_keras_serializable</c>: the module writes its constructor settings in
/// <see cref="Module.GetConfig"/>, and the static <see cref="FromConfig"/> builds a module from them.
/// Both halves live in the module's own file; there is no central table. Every built-in module
/// implements it and is found on first use; a user module implements it and is registered once with
/// <see cref="ModuleRegistry.Register{T}()"/> before a file naming it is loaded.
/// </summary>
/// <typeparam name="TSelf">The module type itself.</typeparam>
public interface ISavedModule<TSelf> where TSelf : Module, ISavedModule<TSelf>
{
    /// <summary>The name files store for this type; the class name unless overridden (keep it stable once files exist).</summary>
    static virtual string TypeName => typeof(TSelf).Name;

    /// <summary>
    /// Builds a module from the settings <see cref="Module.GetConfig"/> wrote. Weights drawn at
    /// construction are overwritten by the loaded ones, so draw them from <see cref="ModuleSettings.Rng"/>.
    /// </summary>
    static abstract TSelf FromConfig(ModuleSettings settings);
}
